using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Evaluation;
using RmpSnn.Graph;
using RmpSnn.Models;
using RmpSnn.Snn;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Conversion;

[Collection(SerialTorchRng.Name)]   // TinyNetworks seeds torch's global generator
public class ConversionTests
{
    static SpikingNetwork Convert(Network ann, ResetMode reset, NormMode norm, ImageDataset calibration)
    {
        var snn = TinyNetworks.Compile(ann, TinyNetworks.Normalization, new NeuronOptions(reset));
        var thresholds = ThresholdBalancer.Balance(snn, ann, calibration, TinyNetworks.Normalization,
            new BalancingOptions(norm, CalibrationImages: 64, CalibrationSteps: 32, Encoding: InputCoding.Direct), CPU);
        snn.SetThresholds(thresholds);
        return snn;
    }

    /// <summary>Per-channel current shifts in [−0.03, 0.07]·V_th and potential shifts in [0, 0.2]·V_th for every IF layer.</summary>
    static Dictionary<string, LayerCorrection> RandomCorrections(SpikingNetwork snn, int seed)
    {
        var random = new Random(seed);
        float[] Values(IfLayer layer, double offset, float scale) =>
            Enumerable.Range(0, (int)layer.Channels).Select(_ => (float)(random.NextDouble() - offset) * scale * layer.Threshold!.Value).ToArray();
        return snn.Neurons.ToDictionary(n => n.Name, n => new LayerCorrection(Values(n, 0.3, 0.1f), Values(n, 0, 0.2f)));
    }

    [Fact]
    public void SoftResetSnnAgreesWithAnnArgmaxAtLargeT()
    {
        var ann = TinyNetworks.Build(seed: 1, batchNorm: true);
        var data = TinyNetworks.Images(200, seed: 2, labelWith: ann);   // labels = ANN predictions
        var snn = Convert(ann, ResetMode.Soft, NormMode.ActMax, data);
        var result = Simulator.Run([("soft", snn)], data, new SimulationOptions(1024, InputCoding.Direct),
            new ExecutionOptions(ChunkSteps: 64), CPU)[0];
        Assert.True(result.AccuracyAt(1024) >= 99.0, $"argmax agreement {result.AccuracyAt(1024)}% < 99%");
    }

    [Fact]
    public void FirstLayerCurrentEqualsAnnFirstConvIncludingBorders()
    {
        var ann = TinyNetworks.Build(seed: 4, batchNorm: true);
        var snn = TinyNetworks.Compile(ann, TinyNetworks.Normalization, new NeuronOptions(ResetMode.Soft));
        var data = TinyNetworks.Images(4, seed: 5);
        using var raw = data.Batches(4, Normalization.Identity(3), CPU).Single();
        using var normalised = data.Batches(4, TinyNetworks.Normalization, CPU).Single();
        using var noGrad = no_grad();
        using var expected = TinyNetworks.AnnValue(ann, "layers.1", normalised.Images);   // conv + BN
        using var actual = snn["layers.0"].Forward([raw.Images], new StepContext(1, 4, 0));
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-4), "folded input normalisation must reproduce the ANN's first conv");
    }

    [Fact]
    public void IfLayerWithAnnThresholdsReproducesReluOutputs()
    {
        var ann = TinyNetworks.Build(seed: 6);
        var data = TinyNetworks.Images(8, seed: 7);
        var snn = Convert(ann, ResetMode.Soft, NormMode.ActMax, data);
        using var raw = data.Batches(8, Normalization.Identity(3), CPU).Single();
        using var normalised = data.Batches(8, TinyNetworks.Normalization, CPU).Single();
        using var noGrad = no_grad();
        using var relu = TinyNetworks.AnnValue(ann, "layers.1", normalised.Images);
        double previous = double.MaxValue;
        foreach (int steps in new[] { 16, 128, 1024 })
        {
            snn.ResetState();
            using var frames = raw.Images.unsqueeze(0).expand(steps, 8, 3, 8, 8).reshape(steps * 8, 3, 8, 8);
            var context = new StepContext(steps, 8, 0);
            using var current = snn["layers.0"].Forward([frames], context);
            using var spikes = snn["layers.1"].Forward([current], context);
            using var rate = spikes.view(steps, 8, 8, 8, 8).mean([0]);
            double error = (rate - relu).abs().max().item<float>();
            Assert.True(error <= snn.Neurons[0].Threshold!.Value / steps + 1e-4, $"T={steps}: max |rate·V_th − ReLU| = {error}");
            Assert.True(error < previous || error < 1e-6);
            previous = error;
        }
    }

    [Fact]
    public void SpikeBalancingSetsEveryThresholdAndHardResetUndershoots()
    {
        var ann = TinyNetworks.Build(seed: 8);
        var data = TinyNetworks.Images(200, seed: 9, labelWith: ann);
        var soft = Convert(ann, ResetMode.Soft, NormMode.Spike, data);
        var hard = Convert(ann, ResetMode.Hard, NormMode.Spike, data);
        Assert.All(soft.Thresholds.Values, v => Assert.True(v > 0));
        var results = Simulator.Run([("soft", soft), ("hard", hard)], data, new SimulationOptions(256, InputCoding.Direct),
            new ExecutionOptions(ChunkSteps: 32), CPU);
        Assert.Equal(soft.Neurons[0].Threshold, hard.Neurons[0].Threshold);   // same input current, same V_in^max
        Assert.True(results[1].Recorder!.Spikes[0].Sum() < results[0].Recorder!.Spikes[0].Sum(),
            "hard reset loses the charge above threshold, so it must spike less");
        Assert.True(results[0].AccuracyAt(256) >= 95, $"soft reset agreement with the ANN at T=256: {results[0].AccuracyAt(256)}%");
    }

    [Fact]
    public void BatchSizeChunkLengthWorkersAndMemoryBudgetDoNotChangeAnySimulatedNumber()
    {
        var ann = TinyNetworks.Build(seed: 10);
        var data = TinyNetworks.Images(50, seed: 11, labelWith: ann);
        var snn = Convert(ann, ResetMode.Soft, NormMode.Spike, data);
        var options = new SimulationOptions(40, Seed: 3);
        SimulationResult Run(ExecutionOptions execution, ImageDataset? images = null) =>
            Simulator.Run([("x", snn)], images ?? data, options, execution, CPU)[0];
        var reference = Run(new ExecutionOptions(BatchSize: 50, ChunkSteps: 40, Workers: 1));
        var runs = new[]
        {
            Run(new ExecutionOptions(BatchSize: 50, ChunkSteps: 40, Workers: 2)),
            Run(new ExecutionOptions(BatchSize: 7, ChunkSteps: 16, Workers: 3)),
            Run(new ExecutionOptions(BatchSize: 7, ChunkSteps: 16)),
            Run(new ExecutionOptions(BatchSize: 1, ChunkSteps: 1)),
            Run(new ExecutionOptions(BatchSize: 50, ChunkSteps: 40, MaxMemoryMegabytes: 0.5)),
        };
        foreach (var run in runs)
        {
            Assert.Equal(reference.CorrectPerStep, run.CorrectPerStep);
            Assert.Equal(reference.Recorder!.Spikes.SelectMany(s => s), run.Recorder!.Spikes.SelectMany(s => s));
            Assert.Equal(reference.Recorder.SynapticOps.SelectMany(s => s), run.Recorder.SynapticOps.SelectMany(s => s));
        }
        // a subset's images keep their spikes: the last 20 images alone count as they did within the whole set
        var tail = Run(new ExecutionOptions(BatchSize: 8), data.Subset(Enumerable.Range(30, 20).ToArray()));
        var head = Run(new ExecutionOptions(BatchSize: 8), data.Take(30));
        Assert.Equal(reference.CorrectPerStep, head.CorrectPerStep.Zip(tail.CorrectPerStep, (a, b) => a + b));
        var reseeded = Simulator.Run([("x", snn)], data, options with { Seed = 4 }, new ExecutionOptions(), CPU)[0];
        Assert.NotEqual(reference.Recorder!.Spikes.SelectMany(s => s), reseeded.Recorder!.Spikes.SelectMany(s => s));
    }

    [Theory]
    [InlineData(SimulationEngine.Dense)]
    [InlineData(SimulationEngine.Event)]
    public void WorkersCarryEveryNetworksThresholdsAndCorrections(SimulationEngine engine)
    {
        // hard and soft side by side, with potential and current corrections: each worker's replica must have them all
        var ann = TinyNetworks.Build(seed: 12);
        var data = TinyNetworks.Images(30, seed: 13, labelWith: ann);
        using var soft = TinyNetworks.Recompile(Convert(ann, ResetMode.Soft, NormMode.ActMax, data), new NeuronOptions(ResetMode.Soft, InitialPotential: 0.5f), engine);
        using var hard = soft.WithNeurons(new NeuronOptions(ResetMode.Hard));
        hard.SetThresholds(soft.Thresholds.ToDictionary(p => p.Key, p => 0.8f * p.Value!.Value));
        soft.SetCorrections(RandomCorrections(soft, seed: 14));
        SimulationResult[] Run(int workers) => Simulator.Run([("soft", soft), ("hard", hard)], data,
            new SimulationOptions(24, InputCoding.Poisson, Seed: 5), new ExecutionOptions(BatchSize: 10, Engine: engine, Workers: workers), CPU).ToArray();
        var one = Run(1);
        var corrections = soft.Neurons.ToDictionary(n => n.Name, n => n.Correction);
        foreach (var workers in new[] { 2, 3 })
        {
            var parts = Run(workers);
            for (int i = 0; i < one.Length; i++)
            {
                Assert.Equal(one[i].CorrectPerStep, parts[i].CorrectPerStep);
                Assert.Equal(one[i].Recorder!.Spikes.SelectMany(s => s), parts[i].Recorder!.Spikes.SelectMany(s => s));
                Assert.Equal(one[i].Recorder!.SynapticOps.SelectMany(s => s), parts[i].Recorder!.SynapticOps.SelectMany(s => s));
            }
        }
        Assert.Equal(corrections, soft.Neurons.ToDictionary(n => n.Name, n => n.Correction));   // the replicas leave the originals alone
        soft.SetCorrections(null);
        Assert.NotEqual(one[0].Recorder!.Spikes.SelectMany(s => s), Run(2)[0].Recorder!.Spikes.SelectMany(s => s));
    }

    [Fact]
    public void SynapticOpsCountSpikesTimesFanOut()
    {
        var ann = TinyNetworks.Sequential(new ModelSpec("one", 1, 4, 2), n => new Conv2dNode(n, nn.Conv2d(1, 2, 3, padding: 1, bias: false)),
            n => new ReluNode(n), n => new FlattenNode(n), n => new LinearNode(n, nn.Linear(32, 2, hasBias: false)));
        var snn = TinyNetworks.Compile(ann, Normalization.Identity(1), new NeuronOptions(ResetMode.Soft));
        snn.SetThresholds(new Dictionary<string, float> { ["layers.1"] = 1e9f });   // the hidden layer never spikes: only input events count
        var pixels = new byte[16];
        pixels[0] = 255; pixels[5] = 255;     // corner pixel (fan-out 4 positions × 2 channels) and inner pixel (9 × 2)
        var data = new ImageDataset("two-pixels", pixels, [0], 1, 4, 4, 2);
        var result = Simulator.Run([("x", snn)], data, new SimulationOptions(3, InputCoding.Direct), new ExecutionOptions(), CPU)[0];
        Assert.Equal([3 * (8 + 18.0), 0], result.SynapticOpsPerSample(3));
        Assert.Equal(2 * (4 * 4 + 8 * 6 + 4 * 9), snn.WeightedLayers[0].MacsPerSample);   // 3×3 kernel on a zero-padded 4×4 map
    }

    [Theory]
    [InlineData(SimulationEngine.Reference)]
    [InlineData(SimulationEngine.Dense)]
    [InlineData(SimulationEngine.Event)]
    public void FanOutOfAStridedWideKernelIsExact(SimulationEngine engine)
    {
        // a 7×7 stride-2 stem (torchvision ResNet): float32 conv backward gives wrong fan-outs for such kernels on some CPUs
        var ann = TinyNetworks.Sequential(new ModelSpec("stem", 1, 8, 2),
            n => new Conv2dNode(n, nn.Conv2d(1, 3, 7, stride: 2, padding: 3, bias: false)),
            n => new ReluNode(n), n => new FlattenNode(n), n => new LinearNode(n, nn.Linear(48, 2, hasBias: false)));
        var snn = TinyNetworks.Compile(ann, Normalization.Identity(1), new NeuronOptions(ResetMode.Soft), engine);
        snn.SetThresholds(new Dictionary<string, float> { ["layers.1"] = 1e9f });
        var data = new ImageDataset("white", Enumerable.Repeat((byte)255, 64).ToArray(), [0], 1, 8, 8, 2);
        var result = Simulator.Run([("x", snn)], data, new SimulationOptions(2, InputCoding.Poisson), new ExecutionOptions(Engine: engine), CPU)[0];
        // every input pixel drives 3 channels × the outputs whose 7×7 window covers it
        int Covering(int i) => Enumerable.Range(0, 4).Count(o => i + 3 - 2 * o is >= 0 and < 7);
        double fanOut = 3 * Enumerable.Range(0, 8).Sum(Covering) * (double)Enumerable.Range(0, 8).Sum(Covering);
        Assert.Equal(2 * fanOut, result.SynapticOpsPerSample(2)[0]);
        Assert.Equal(fanOut, snn.WeightedLayers[0].MacsPerSample);
    }

    [Theory]
    [InlineData(ResetMode.Soft)]
    [InlineData(ResetMode.Hard)]
    public void EnginesAgreeThroughResidualBlocks(ResetMode reset)
    {
        // identity and option-A blocks: the junction's two currents (and the bias correction) are fused into the IF kernel by the fast engines
        var ann = TinyNetworks.Build(seed: 6);
        var data = TinyNetworks.Images(24, seed: 7, labelWith: ann);
        var snn = Convert(ann, reset, NormMode.ActMax, data);
        // bias and potential corrections on every layer: the fused kernel adds the current shift while integrating
        var corrections = RandomCorrections(snn, seed: 8);
        SimulationResult Run(SimulationEngine engine, int chunk)
        {
            var network = TinyNetworks.Recompile(snn, new NeuronOptions(reset), engine);
            network.SetCorrections(corrections);
            return Simulator.Run([("x", network)], data, new SimulationOptions(48, InputCoding.Direct), new ExecutionOptions(8, chunk, Engine: engine), CPU)[0];
        }
        var reference = Run(SimulationEngine.Reference, 1);
        Assert.True(reference.Recorder!.Spikes[^1].Sum() > 0, "the last junction should fire");
        foreach (var chunk in new[] { 1, 4 })
        {
            var dense = Run(SimulationEngine.Dense, chunk);
            Assert.Equal(reference.CorrectPerStep, dense.CorrectPerStep);
            Assert.Equal(reference.Recorder.Spikes.SelectMany(s => s), dense.Recorder!.Spikes.SelectMany(s => s));
        }
        var events = Run(SimulationEngine.Event, 1);
        for (int l = 0; l < reference.Recorder.Spikes.Length; l++)
        {
            double expected = reference.Recorder.Spikes[l].Sum(), actual = events.Recorder!.Spikes[l].Sum();
            Assert.True(Math.Abs(expected - actual) <= 1e-3 * expected + 2, $"layer {l}: {expected} vs {actual} spikes");
        }
    }

    [Fact]
    public void AlphaOutsideUnitIntervalIsRejected()
    {
        var one = new Dictionary<string, float> { ["a"] = 1f };
        Assert.Contains("--alpha", Assert.Throws<RmpSnnException>(() => ThresholdBalancer.Scale(one, 1.5)).Message);
        Assert.Contains("--alpha", Assert.Throws<RmpSnnException>(() => ThresholdBalancer.Scale(one, 0)).Message);
        Assert.Equal(0.5f, ThresholdBalancer.Scale(one, 0.5)["a"]);
    }

    [Fact]
    public void NonPositiveStepsAreRejected()
    {
        var e = Assert.Throws<RmpSnnException>(() => new SimulationOptions(0).Validate());
        Assert.Contains("--steps", e.Message);
    }
}
