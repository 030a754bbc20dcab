using System.Globalization;
using RmpSnn.Models;

namespace RmpSnn.Import;

/// <summary>Turns a PyTorch checkpoint into an RmpSnn network: infers the model options from its keys, builds and loads the network.</summary>
public static class CheckpointImporter
{
    /// <summary>The architectures a checkpoint can be imported into.</summary>
    public static IReadOnlyList<string> Architectures => PyTorchNames.Architectures;

    /// <summary>
    /// The spec <paramref name="checkpoint"/>'s keys and shapes imply for <paramref name="arch"/>: BatchNorm if any key is a
    /// <c>running_mean</c>; Bias if a module without BatchNorm statistics has a <c>bias</c> (e.g. <c>linear.bias</c>); input
    /// channels from the first 4-D (conv) weight; classes from the last 2-D (linear) weight; for the CIFAR ResNets shortcut B if
    /// any key lies under a <c>shortcut.</c> module, else A. Dropout is 0 (it has no effect on inference).
    /// </summary>
    /// <exception cref="RmpSnnException">The checkpoint has no conv or no linear weight.</exception>
    public static ModelSpec InferSpec(PyTorchCheckpoint checkpoint, string arch, int imageSize = 32)
    {
        var tensors = checkpoint.Tensors;
        var normalized = tensors.Keys.Where(k => k.EndsWith(".running_mean", StringComparison.Ordinal)).Select(Module).ToHashSet();
        bool bias = tensors.Keys.Any(k => k.EndsWith(".bias", StringComparison.Ordinal) && !normalized.Contains(Module(k)));
        var conv = tensors.Values.FirstOrDefault(t => t.dim() == 4)
            ?? throw new RmpSnnException($"{checkpoint.Path}: no 4-D convolution weight, so it is not a {arch} checkpoint");
        var linear = tensors.Values.LastOrDefault(t => t.dim() == 2)
            ?? throw new RmpSnnException($"{checkpoint.Path}: no 2-D linear weight, so it is not a {arch} checkpoint");
        string? shortcut = !PyTorchNames.IsCifarResNet(arch) ? null
            : tensors.Keys.Any(k => k.Contains(".shortcut.", StringComparison.Ordinal)) ? "B" : "A";
        return new ModelSpec(arch, (int)conv.shape[1], imageSize, (int)linear.shape[0], normalized.Count > 0, bias, Dropout: 0, Shortcut: shortcut);
    }

    /// <summary>Builds a <paramref name="spec"/> network on the CPU, loads <paramref name="checkpoint"/> into it (see
    /// <see cref="StateDictMapper.Load"/>) and returns it in eval mode.</summary>
    /// <exception cref="RmpSnnException">Unknown or unsupported architecture, or the weights do not fit it.</exception>
    public static Network Import(PyTorchCheckpoint checkpoint, ModelSpec spec)
    {
        var network = ModelZoo.Create(spec);
        try
        {
            StateDictMapper.Load(network, checkpoint);
            StateDictIO.RequireFinite(network, checkpoint.Path);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        network.eval();
        return network;
    }

    /// <summary>
    /// Where the weights came from, for <see cref="ModelInfo.Metadata"/>: <c>source</c> (full path), <c>sourceSha256</c>,
    /// <c>sourceFormat</c>, <c>sourceStateDict</c> (the wrapping key, if any) and every scalar of the checkpoint as
    /// <c>checkpoint.NAME</c> (e.g. <c>checkpoint.best_prec1</c>).
    /// </summary>
    public static Dictionary<string, string> Provenance(PyTorchCheckpoint checkpoint)
    {
        var metadata = SourceFile.Provenance(checkpoint.Path, checkpoint.Format.ToString());
        if (checkpoint.StateDictKey is { } key) metadata["sourceStateDict"] = key;
        foreach (var (name, value) in checkpoint.Metadata)
            metadata[$"checkpoint.{name}"] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        return metadata;
    }

    private static string Module(string key) => key[..Math.Max(key.LastIndexOf('.'), 0)];
}
