using TorchSharp;
using RmpSnn.Data;
using RmpSnn.Graph;
using static TorchSharp.torch;

namespace RmpSnn.Models;

/// <summary>
/// The single-file model format: magic <c>RMPSNNM1</c>, int32 header length, UTF-8 JSON <see cref="ModelInfo"/>, then
/// the state dict (see <c>StateDictIO</c>). Saving is atomic; every load error is a one-line
/// <see cref="RmpSnnException"/> naming the file.
/// </summary>
public static class ModelFile
{
    internal const string Magic = "RMPSNNM1";
    const string Kind = "model file";

    /// <summary>Writes <paramref name="network"/> and <paramref name="info"/> to <paramref name="path"/> atomically.</summary>
    /// <exception cref="ArgumentException"><paramref name="info"/> describes a different spec than the network's.</exception>
    public static void Save(string path, Network network, ModelInfo info)
    {
        if (info.Spec != network.Spec)
            throw new ArgumentException($"ModelInfo spec {info.Spec} differs from the network's {network.Spec}", nameof(info));
        if (DatasetCatalog.ImageShape(info.Dataset) is var (channels, size, classes)
            && (channels, size, classes) != (info.Spec.InChannels, info.Spec.ImageSize, info.Spec.Classes))
            throw new RmpSnnException($"--dataset {info.Dataset}: its images are {channels}x{size}x{size} in {classes} classes, but the " +
                $"{info.Spec.Arch} network takes {info.Spec.InChannels}x{info.Spec.ImageSize}x{info.Spec.ImageSize} -> {info.Spec.Classes}; " +
                "expected the dataset the weights were trained on");
        ContainerFile.Write(path, Magic, info with { Created = info.Created ?? DateTimeOffset.UtcNow, Graph = GraphDescription.Of(network.Graph) },
            writer => StateDictIO.Write(writer, network));
    }

    /// <summary>Reads only the JSON header of <paramref name="path"/>.</summary>
    public static ModelInfo ReadInfo(string path) =>
        ContainerFile.Read<ModelInfo, ModelInfo>(path, Magic, Kind, (info, _) => info.Check(path));

    /// <summary>
    /// Rebuilds the network the header describes (its stored graph, or for files written before graphs were stored, the
    /// zoo architecture of its spec), loads its weights and moves it to <paramref name="device"/> in eval mode.
    /// </summary>
    public static (Network Network, ModelInfo Info) Load(string path, Device device) =>
        ContainerFile.Read<ModelInfo, (Network, ModelInfo)>(path, Magic, Kind, (info, reader) =>
        {
            info.Check(path);
            var network = Build(path, info);
            try
            {
                StateDictIO.Read(reader, network, path, info.Spec.Arch);
            }
            catch
            {
                network.Dispose();
                throw;
            }
            network.to(device).eval();
            return (network, info);
        });

    static Network Build(string path, ModelInfo info)
    {
        try
        {
            return info.Graph is { } graph ? new Network(info.Spec, graph.Build()) : ModelZoo.Create(info.Spec);
        }
        catch (RmpSnnException e)
        {
            throw new RmpSnnException($"{path}: {e.Message}", e);
        }
    }
}
