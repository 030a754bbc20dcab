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

    /// <summary>The options that must not change between a run and its resumption.</summary>
    public sealed record RunKey(int Epochs, int BatchSize, double LearningRate, double Momentum, double WeightDecay,
        LrSchedule Schedule, double LabelSmoothing, int Seed, bool Augmented)
    {
        public static RunKey Of(TrainerOptions o) => new(o.Epochs, o.BatchSize, o.LearningRate, o.Momentum, o.WeightDecay,
            o.Schedule, o.LabelSmoothing, o.Seed, o.Augmentation is not null);
    }

    public static void Save(string path, Network network, SGD optimizer, Header header) =>
        ContainerFile.Write(path, Magic, header, writer =>
        {
            StateDictIO.Write(writer, network);
            optimizer.save_state_dict(writer);
        });

    /// <summary>Restores weights and optimizer state from <paramref name="path"/> after checking it belongs to this run.</summary>
    public static Header Load(string path, Network network, SGD optimizer, TrainerOptions options)
    {
        if (!File.Exists(path)) throw new RmpSnnException($"--resume: checkpoint {path} does not exist");
        return ContainerFile.Read<Header, Header>(path, Magic, Kind, (header, reader) =>
        {
            if (header.Spec != network.Spec)
                throw new RmpSnnException($"{path}: checkpoint is for {header.Spec}, not {network.Spec}");
            if (header.Run != RunKey.Of(options))
                throw new RmpSnnException($"{path}: checkpoint was made with {header.Run}, but this run uses {RunKey.Of(options)}");
            StateDictIO.Read(reader, network, path, header.Spec.Arch);
            optimizer.load_state_dict(reader);
            optimizer.to(options.Device);
            return header;
        });
    }
}
