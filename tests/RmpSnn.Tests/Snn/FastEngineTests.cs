using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Evaluation;
using RmpSnn.Models;
using RmpSnn.Snn;
using RmpSnn.Tests.Data;
using RmpSnn.Training;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Snn;

/// <summary>A smallcnn trained for one epoch on 600 images of the shipped Fashion-MNIST sample, converted with act-max thresholds.</summary>
public sealed class TrainedSmallCnn : IDisposable
{
    public TrainedSmallCnn()
    {
        var train = DatasetCatalog.Load("fashion-mnist-sample", null, "train").Take(600);
        Test = DatasetCatalog.Load("fashion-mnist-sample", null, "test").Take(20);
        Normalization = DatasetCatalog.DefaultNormalization("fashion-mnist-sample");
        Ann = ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10), seed: 3);
        Trainer.Train(Ann, train, null, Normalization, new TrainerOptions { Epochs = 1, BatchSize = 50, LearningRate = 0.05, Seed = 3 });
        Ann.eval();
        using var snn = Snn(ResetMode.Soft, SimulationEngine.Dense);
        Thresholds = ThresholdBalancer.Balance(snn, Ann, train, Normalization, new BalancingOptions(NormMode.ActMax, CalibrationImages: 100), CPU);
    }

    public Network Ann { get; }
    public Normalization Normalization { get; }
    public ImageDataset Test { get; }
    public IReadOnlyDictionary<string, float> Thresholds { get; }

    /// <summary>A fresh spiking network with the trained weights for <paramref name="engine"/> (and the balanced thresholds once known).</summary>
    public SpikingNetwork Snn(ResetMode reset, SimulationEngine engine, bool signed = false)
    {
        var snn = TinyNetworks.Compile(Ann, Normalization, new NeuronOptions(reset, Signed: signed), engine);
        if (Thresholds is not null) snn.SetThresholds(Thresholds);
        return snn;
    }

    public void Dispose() => Ann.Dispose();
}

/// <summary>The fast paths (fused CPU kernels, chunks, constant-input cache, memory budget) against the plain per-step loop.</summary>
[Collection(SerialTorchRng.Name)]   // trains with torch's global generator
public sealed class FastEngineTests(TrainedSmallCnn model) : IClassFixture<TrainedSmallCnn>
{
    const int Steps = 16;

    static readonly SimulationOptions Options = new(Steps, Seed: 5);
    static readonly ExecutionOptions Reference = new(BatchSize: 10, ChunkSteps: 1, CacheConstantInput: false, Engine: SimulationEngine.Reference);

    SimulationResult Simulate(ResetMode reset, SimulationOptions options, ExecutionOptions execution, bool signed = false) =>
        Simulator.Run([(reset.ToString(), model.Snn(reset, execution.Engine, signed))], model.Test, options, execution, CPU)[0];

    [Theory]
    [InlineData(ResetMode.Soft, InputCoding.Direct, false)]
    [InlineData(ResetMode.Hard, InputCoding.Direct, false)]
    [InlineData(ResetMode.Soft, InputCoding.Poisson, false)]
    [InlineData(ResetMode.Hard, InputCoding.Poisson, false)]
    [InlineData(ResetMode.Soft, InputCoding.Direct, true)]
    public void FastEngineReproducesThePerStepLoop(ResetMode reset, InputCoding encoding, bool signed)
    {
        var reference = Simulate(reset, Options with { Encoding = encoding }, Reference, signed);
        Assert.True(reference.AccuracyAt(Steps) >= 50, $"the trained model should classify: {reference.AccuracyAt(Steps)}%");
        foreach (int chunk in new[] { 1, 8 })
        {
            var fast = Simulate(reset, Options with { Encoding = encoding },
                Reference with { ChunkSteps = chunk, CacheConstantInput = true, Engine = SimulationEngine.Dense }, signed);
            Assert.Equal(reference.CorrectPerStep, fast.CorrectPerStep);
            Assert.Equal(reference.Recorder!.Spikes.SelectMany(s => s), fast.Recorder!.Spikes.SelectMany(s => s));
            Assert.Equal(reference.Recorder.SynapticOps.SelectMany(s => s), fast.Recorder.SynapticOps.SelectMany(s => s));
        }
    }

    [Theory]
    [InlineData(ResetMode.Soft, InputCoding.Direct, false)]
    [InlineData(ResetMode.Hard, InputCoding.Poisson, false)]
    [InlineData(ResetMode.Soft, InputCoding.Direct, true)]
    public void EventEngineMatchesTheDenseEngineUpToRounding(ResetMode reset, InputCoding encoding, bool signed)
    {
        var dense = Simulate(reset, Options with { Encoding = encoding, Steps = 64 }, Reference with { Engine = SimulationEngine.Dense }, signed);
        var events = Simulate(reset, Options with { Encoding = encoding, Steps = 64 }, Reference with { Engine = SimulationEngine.Event }, signed);
        Assert.Equal(dense.CorrectPerStep, events.CorrectPerStep);
        Assert.Equal(dense.Recorder!.SynapticOps[0], events.Recorder!.SynapticOps[0]);   // the same input events at the first layer
        var denseSpikes = dense.Recorder!.Spikes.Select(layer => layer.Sum()).ToArray();
        var eventSpikes = events.Recorder!.Spikes.Select(layer => layer.Sum()).ToArray();
        for (int l = 0; l < denseSpikes.Length; l++)
            Assert.True(Math.Abs(denseSpikes[l] - eventSpikes[l]) <= 1e-3 * denseSpikes[l],
                $"layer {l}: {denseSpikes[l]} vs {eventSpikes[l]} spikes");
    }

    [Fact]
    public void SmallMemoryBudgetPicksASmallerBatchWithTheSameCurve()
    {
        var snn = model.Snn(ResetMode.Soft, SimulationEngine.Reference);
        var options = Options with { Encoding = InputCoding.Direct };
        var execution = Reference with { ChunkSteps = 8 };
        double budget = MemoryBudget.EstimateMegabytes([snn], 5, 1) * 1.01;
        var full = Simulate(ResetMode.Soft, options, execution);
        var bounded = Simulate(ResetMode.Soft, options, execution with { MaxMemoryMegabytes = budget });
        Assert.Equal((5, 1), (bounded.Execution!.BatchSize, bounded.Execution.ChunkSteps));
        Assert.Equal(full.CorrectPerStep, bounded.CorrectPerStep);
    }

    [Fact]
    public void BudgetBelowOneSampleIsAClearError()
    {
        var snn = model.Snn(ResetMode.Soft, SimulationEngine.Reference);
        double tiny = MemoryBudget.EstimateMegabytes([snn], 1, 1) / 2;
        UserError.Expect(() => Simulate(ResetMode.Soft, Options, Reference with { MaxMemoryMegabytes = tiny }), "--max-memory",
            "even batch 1 with chunk 1");
    }
}
