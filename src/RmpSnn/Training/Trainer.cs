using System.Diagnostics;
using RmpSnn.Data;
using RmpSnn.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Training;

/// <summary>
/// Trains a <see cref="Network"/> with SGD (momentum, weight decay) and cross-entropy (or <see cref="Distillation"/>), evaluates after every epoch and
/// checkpoints atomically, so a killed run resumes losing at most one epoch. Deterministic on the CPU: epoch e reseeds
/// torch with <c>Seed + e</c> and shuffles/augments with <c>Seed + e</c>, so identical runs (and resumed runs) give
/// identical weights. Seed the initial weights yourself (<see cref="ModelZoo.Create(ModelSpec, int?)"/>). Dropout draws
/// from torch's process-wide generator, so runs are only reproducible when nothing else in the process uses it meanwhile.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="network"/> (already on <c>options.Device</c>) on <paramref name="train"/>; evaluates on
    /// <paramref name="test"/> when given. Cancellation is checked before every batch and throws
    /// <see cref="OperationCanceledException"/>; the last finished epoch stays in the checkpoint.
    /// </summary>
    public static TrainingHistory Train(Network network, ImageDataset train, ImageDataset? test, Normalization normalization,
        TrainerOptions options, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        Evaluator.EnsureFits(network, train, normalization);
        options.Distillation?.Validate(network);
        if (test is not null) Evaluator.EnsureFits(network, test, normalization);

        using var optimizer = optim.SGD(network.parameters(), options.LearningRate, options.Momentum,
            weight_decay: options.WeightDecay);
        var history = new List<EpochResult>();
        double? best = null;
        if (options.Resume)
        {
            var header = TrainingCheckpoint.Load(options.CheckpointPath!, network, optimizer, options, train);
            history.AddRange(header.History);
            best = header.BestTestAccuracy;
        }

        for (int epoch = history.Count + 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var result = RunEpoch(network, optimizer, train, normalization, options, epoch, progress, cancellation);
            double? testAccuracy = test is null ? null
                : Evaluator.Accuracy(network, test, normalization, options.BatchSize, options.Device);
            result = result with { TestAccuracy = testAccuracy, Seconds = clock.Elapsed.TotalSeconds };
            history.Add(result);
            if (testAccuracy > (best ?? double.MinValue)) best = testAccuracy;
            if (options.CheckpointPath is not null)
                TrainingCheckpoint.Save(options.CheckpointPath, network, optimizer,
                    new TrainingCheckpoint.Header(network.Spec, TrainingCheckpoint.RunKey.Of(options, train), best, history.ToArray()));
            int batches = (train.Count + options.BatchSize - 1) / options.BatchSize;
            progress?.Report(new TrainingProgress(epoch, options.Epochs, batches, batches, result.Loss, result.TrainAccuracy,
                train.Count / result.Seconds, result));
        }
        return new TrainingHistory(history, best);
    }

    /// <summary>One pass over the shuffled training set; the result has no test accuracy and training-only seconds.</summary>
    static EpochResult RunEpoch(Network network, optim.Optimizer optimizer, ImageDataset train, Normalization normalization,
        TrainerOptions options, int epoch, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        double lr = options.LearningRateAt(epoch);
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
        random.manual_seed(options.Seed + epoch);
        network.train();

        int batches = (train.Count + options.BatchSize - 1) / options.BatchSize, batchIndex = 0;
        long seen = 0, correct = 0;
        double lossSum = 0;
        foreach (var batch in train.Batches(options.BatchSize, normalization, options.Device, shuffle: true,
                     seed: options.Seed + epoch, augmentation: options.Augmentation))
            using (batch)
            using (var scope = NewDisposeScope())
            {
                cancellation.ThrowIfCancellationRequested();
                optimizer.zero_grad();
                var logits = network.call(batch.Images);
                var loss = options.Distillation is { } distillation
                    ? distillation.Loss(logits, batch.Images, batch.Labels, options.LabelSmoothing)
                    : nn.functional.cross_entropy(logits, batch.Labels, label_smoothing: options.LabelSmoothing);
                loss.backward();
                optimizer.step();

                double batchLoss = loss.item<float>();
                if (!double.IsFinite(batchLoss))
                    throw new RmpSnnException($"--lr {options.LearningRate}: training diverged (loss {batchLoss}) in epoch {epoch}, " +
                        $"batch {batchIndex + 1}; lower the learning rate");
                lossSum += batchLoss * batch.Size;
                correct += logits.argmax(1).eq(batch.Labels).sum().item<long>();
                seen += batch.Size;
                progress?.Report(new TrainingProgress(epoch, options.Epochs, ++batchIndex, batches, lossSum / seen,
                    (double)correct / seen, seen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9)));
            }
        return new EpochResult(epoch, lr, lossSum / Math.Max(seen, 1), (double)correct / Math.Max(seen, 1), null,
            clock.Elapsed.TotalSeconds);
    }
}
