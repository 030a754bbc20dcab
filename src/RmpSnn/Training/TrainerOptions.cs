using RmpSnn.Data;
using static TorchSharp.torch;

namespace RmpSnn.Training;

/// <summary>Learning-rate schedule over epochs.</summary>
public enum LrSchedule
{
    /// <summary>Cosine annealing from the initial rate to 0 over all epochs.</summary>
    Cosine,
    /// <summary>×0.1 at 50% and again at 75% of the epochs.</summary>
    Step,
}

/// <summary>Hyper-parameters and run settings of <see cref="Trainer"/> (SGD with momentum and weight decay).</summary>
public sealed record TrainerOptions
{
    /// <summary>Total epochs (the schedule spans all of them, also across resumes).</summary>
    public int Epochs { get; init; } = 30;
    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Initial learning rate.</summary>
    public double LearningRate { get; init; } = 0.05;
    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>L2 weight decay.</summary>
    public double WeightDecay { get; init; } = 5e-4;
    /// <summary>Learning-rate schedule.</summary>
    public LrSchedule Schedule { get; init; } = LrSchedule.Cosine;
    /// <summary>Label smoothing of the cross-entropy loss, in [0, 1).</summary>
    public double LabelSmoothing { get; init; }
    /// <summary>Seed of dropout (<c>torch.manual_seed(Seed + epoch)</c>), shuffling and augmentation (<c>Seed + epoch</c>).</summary>
    public int Seed { get; init; }
    /// <summary>Device to train on; the network must already be there.</summary>
    public Device Device { get; init; } = CPU;
    /// <summary>TrainingCheckpoint written atomically after every epoch; <c>null</c> = none.</summary>
    public string? CheckpointPath { get; init; }
    /// <summary>Continue from <see cref="CheckpointPath"/> (which must exist) instead of starting at epoch 1.</summary>
    public bool Resume { get; init; }
    /// <summary>Train-time augmentation, or <c>null</c> for none.</summary>
    public Augmentation? Augmentation { get; init; }
    /// <summary>Distil from a teacher network instead of plain cross-entropy, or <c>null</c> for none.</summary>
    public Distillation? Distillation { get; init; }

    /// <summary>The learning rate used throughout epoch <paramref name="epoch"/> (1-based).</summary>
    public double LearningRateAt(int epoch) => Schedule switch
    {
        LrSchedule.Cosine => LearningRate * 0.5 * (1 + Math.Cos(Math.PI * (epoch - 1) / Epochs)),
        _ => LearningRate * (epoch > Epochs * 3 / 4 ? 0.01 : epoch > Epochs / 2 ? 0.1 : 1),
    };

    /// <summary>Throws an <see cref="RmpSnnException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Epochs <= 0) throw new RmpSnnException($"--epochs {Epochs}: expected a positive number of epochs");
        if (BatchSize <= 0) throw new RmpSnnException($"--batch {BatchSize}: expected a positive batch size");
        if (!(LearningRate > 0 && double.IsFinite(LearningRate)))
            throw new RmpSnnException($"--lr {LearningRate}: expected a positive learning rate");
        if (!(Momentum is >= 0 and < 1)) throw new RmpSnnException($"--momentum {Momentum}: expected a value in [0, 1)");
        if (!(WeightDecay >= 0 && double.IsFinite(WeightDecay)))
            throw new RmpSnnException($"--weight-decay {WeightDecay}: expected a non-negative value");
        if (!(LabelSmoothing is >= 0 and < 1)) throw new RmpSnnException($"--label-smoothing {LabelSmoothing}: expected a value in [0, 1)");
        if (Resume && CheckpointPath is null) throw new RmpSnnException("--resume: needs a checkpoint path");
    }
}
