using System.Security.Cryptography;
using RmpSnn.Data;
using RmpSnn.Models;
using TorchSharp.Modules;

namespace RmpSnn.Training;

/// <summary>
/// A resumable training state: magic <c>RMPSNNC1</c>, JSON header (spec, run-defining options, best accuracy, history
/// of the finished epochs), the network's state dict, then the SGD state (momentum buffers). No RNG state is needed because
/// every epoch reseeds from <c>Seed + epoch</c>.
/// </summary>
internal static class TrainingCheckpoint
{
    const string Magic = "RMPSNNC1";
    const string Kind = "checkpoint";

    /// <summary>The JSON header.</summary>
    public sealed record Header(ModelSpec Spec, RunKey Run, double? BestTestAccuracy, EpochResult[] History);

    /// <summary>
    /// The options and training data that must not change between a run and its resumption. <see cref="Data"/> names the
    /// training set, its size and a hash of its image ids and labels (so --dataset, --limit, --val and its seed are all
    /// covered); checkpoints written before it existed have none, and resume without the data check. <see cref="Distillation"/>
    /// is null for plain cross-entropy.
    /// </summary>
    public sealed record RunKey(int Epochs, int BatchSize, double LearningRate, double Momentum, double WeightDecay,
        LrSchedule Schedule, double LabelSmoothing, int Seed, bool Augmented, string? Data = null, string? Distillation = null)
    {
        public static RunKey Of(TrainerOptions o, ImageDataset train) => new(o.Epochs, o.BatchSize, o.LearningRate, o.Momentum,
            o.WeightDecay, o.Schedule, o.LabelSmoothing, o.Seed, o.Augmentation is not null, Describe(train), o.Distillation?.Describe());

        static string Describe(ImageDataset train)
        {
            var bytes = train.Ids.Concat(train.Labels).SelectMany(BitConverter.GetBytes).ToArray();
            return $"{train.Name}, {train.Count} images, ids+labels sha256 {Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}";
        }
    }

    public static void Save(string path, Network network, SGD optimizer, Header header) =>
        ContainerFile.Write(path, Magic, header, writer =>
        {
            StateDictIO.Write(writer, network);
            optimizer.save_state_dict(writer);
        });

    /// <summary>Restores weights and optimizer state from <paramref name="path"/> after checking it belongs to this run.</summary>
    public static Header Load(string path, Network network, SGD optimizer, TrainerOptions options, ImageDataset train)
    {
        if (!File.Exists(path)) throw new RmpSnnException($"--resume: checkpoint {path} does not exist");
        return ContainerFile.Read<Header, Header>(path, Magic, Kind, (header, reader) =>
        {
            if (header.Spec != network.Spec)
                throw new RmpSnnException($"{path}: checkpoint is for {header.Spec}, not {network.Spec}");
            var run = RunKey.Of(options, train);
            if (header.Run.Data is { } data && data != run.Data)
                throw new RmpSnnException($"{path}: checkpoint was trained on {data}, but this run uses {run.Data}");
            if (header.Run != run with { Data = header.Run.Data })
                throw new RmpSnnException($"{path}: checkpoint was made with {header.Run with { Data = null }}, but this run uses {run with { Data = null }}");
            StateDictIO.Read(reader, network, path, header.Spec.Arch);
            optimizer.load_state_dict(reader);
            optimizer.to(options.Device);
            return header;
        });
    }
}
