using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Training;

namespace RmpSnn.Tests.Training;

[Collection(SerialTorchRng.Name)]
public sealed class TrainerTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rmpsnn-trainer-").FullName;
    static readonly ModelSpec Spec = new("smallcnn", 1, 8, 4, Dropout: 0.1);
    static readonly ImageDataset Train = SyntheticData.Quadrants(128, seed: 1, "quadrants/train");
    static readonly ImageDataset Test = SyntheticData.Quadrants(64, seed: 2, "quadrants/test");
    static readonly Normalization Norm = Train.ComputeNormalization();
    static readonly TrainerOptions Options = new()
    {
        Epochs = 3, BatchSize = 16, LearningRate = 0.02, Seed = 5, Augmentation = new Augmentation(1, false),
    };

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static (Network, TrainingHistory) Run(TrainerOptions options, int initSeed = 11,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        var net = ModelZoo.Create(Spec, initSeed);
        return (net, Trainer.Train(net, Train, Test, Norm, options, progress, cancel));
    }

    [Fact]
    public void TrainingOnALearnableSetImprovesAccuracyAndReportsProgress()
    {
        var reports = new List<TrainingProgress>();
        using var before = ModelZoo.Create(Spec, 11);
        double initial = Evaluator.Accuracy(before, Test, Norm, 32, TorchSharp.torch.CPU);

        var (net, history) = Run(Options, progress: new SyncProgress<TrainingProgress>(reports.Add));
        using (net)
        {
            Assert.Equal([1, 2, 3], history.Epochs.Select(e => e.Epoch));
            Assert.True(history.Epochs[^1].TestAccuracy >= 0.9, $"test accuracy {history.Epochs[^1].TestAccuracy} (initial {initial})");
            Assert.True(history.Epochs[^1].TestAccuracy > initial);
            Assert.True(history.Epochs[^1].Loss < history.Epochs[0].Loss);
            Assert.Equal(history.Epochs.Max(e => e.TestAccuracy), history.BestTestAccuracy);
            Assert.Equal(Options.LearningRate, history.Epochs[0].LearningRate);
            Assert.Equal(history.Epochs[^1].TestAccuracy!.Value, Evaluator.Accuracy(net, Test, Norm, 7, TorchSharp.torch.CPU), 6);
        }
        Assert.Equal(3 * (8 + 1), reports.Count); // 8 batches per epoch plus the end-of-epoch report
        Assert.All(reports.Where(r => r.Completed is null), r => Assert.True(r.ImagesPerSecond > 0 && r.Batches == 8));
        Assert.Equal(history.Epochs, reports.Where(r => r.Completed is not null).Select(r => r.Completed!));
    }

    [Fact]
    public void IdenticalRunsGiveIdenticalWeights()
    {
        var (a, _) = Run(Options with { Epochs = 2 });
        var (b, _) = Run(Options with { Epochs = 2 });
        using (a) using (b) TensorAssert.SameState(a, b);
    }

    [Fact]
    public void ResumedRunMatchesAnUninterruptedRun()
    {
        var uninterruptedOptions = Options with { CheckpointPath = Path.Combine(dir, "full.ckpt") };
        var (full, fullHistory) = Run(uninterruptedOptions);

        var options = Options with { CheckpointPath = Path.Combine(dir, "killed.ckpt") };
        using var cts = new CancellationTokenSource();
        var cancelAfterEpoch1 = new SyncProgress<TrainingProgress>(p => { if (p.Completed?.Epoch == 1) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => Run(options, progress: cancelAfterEpoch1, cancel: cts.Token));

        // A different initialisation proves the weights come from the checkpoint.
        var (resumed, history) = Run(options with { Resume = true }, initSeed: 99);
        using (full)
        using (resumed)
            TensorAssert.SameState(full, resumed);
        Assert.Equal(fullHistory.Epochs.Select(e => (e.Epoch, e.Loss, e.TestAccuracy)),
            history.Epochs.Select(e => (e.Epoch, e.Loss, e.TestAccuracy)));
    }

    [Fact]
    public void ResumeRejectsACheckpointOfAnotherRun()
    {
        var options = Options with { Epochs = 1, CheckpointPath = Path.Combine(dir, "run.ckpt") };
        Run(options).Item1.Dispose();
        var e = Assert.Throws<RmpSnnException>(() => Run(options with { Resume = true, LearningRate = 0.1 }));
        Assert.StartsWith(options.CheckpointPath, e.Message);

        // other training data (a --limit, another --val carve-out or dataset) is named, not mixed in
        using var fewer = ModelZoo.Create(Spec, 11);
        e = Assert.Throws<RmpSnnException>(() => Trainer.Train(fewer, Train.Take(Train.Count - 8), Test, Norm, options with { Resume = true }));
        Assert.Contains("checkpoint was trained on", e.Message);
        Assert.Contains($"{Train.Count} images", e.Message);
        Assert.Contains($"{Train.Count - 8} images", e.Message);

        var missing = Path.Combine(dir, "missing.ckpt");
        Assert.Contains(missing, Assert.Throws<RmpSnnException>(() => Run(options with { Resume = true, CheckpointPath = missing })).Message);
    }

    [Fact]
    public void DatasetThatDoesNotFitTheModelIsRejected()
    {
        using var net = ModelZoo.Create(Spec with { ImageSize = 28 });
        var e = Assert.Throws<RmpSnnException>(() => Evaluator.Accuracy(net, Test, Norm, 16, TorchSharp.torch.CPU));
        Assert.Contains("quadrants/test: images are 1x8x8 but the smallcnn model expects 1x28x28", e.Message);
    }

    [Theory]
    [InlineData(LrSchedule.Cosine, 1, 0.1)]
    [InlineData(LrSchedule.Cosine, 6, 0.05)]
    [InlineData(LrSchedule.Step, 5, 0.1)]
    [InlineData(LrSchedule.Step, 6, 0.01)]
    [InlineData(LrSchedule.Step, 9, 0.001)]
    public void LearningRateFollowsTheSchedule(LrSchedule schedule, int epoch, double expected) =>
        Assert.Equal(expected, new TrainerOptions { Epochs = 10, LearningRate = 0.1, Schedule = schedule }.LearningRateAt(epoch), 12);
}
