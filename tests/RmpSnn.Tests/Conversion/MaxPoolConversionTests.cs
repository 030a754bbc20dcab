using RmpSnn.Evaluation;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Graph;
using RmpSnn.Models;
using RmpSnn.Snn;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Conversion;

[Collection(SerialTorchRng.Name)]   // seeds torch's global generator
public class MaxPoolConversionTests
{
    /// <summary>
    /// conv–ReLU–maxpool–conv–ReLU–maxpool(3, stride 2, padding 1)–flatten–linear on 3×8×8, or its
    /// average-pool twin sharing the weights.
    /// </summary>
    static (Network MaxPool, Network AvgPool) Build(int seed)
    {
        manual_seed(seed);
        var conv1 = nn.Conv2d(3, 8, 3, padding: 1, bias: false);
        var conv2 = nn.Conv2d(8, 16, 3, padding: 1);
        var fc = nn.Linear(16 * 2 * 2, 5, hasBias: false);
        Network Net(Func<string, long, long, long, GraphNode> pool) => TinyNetworks.Sequential(TinyNetworks.Spec,
            n => new Conv2dNode(n, conv1), n => new ReluNode(n), n => pool(n, 2, 2, 0), n => new Conv2dNode(n, conv2), n => new ReluNode(n),
            n => pool(n, 3, 2, 1), n => new FlattenNode(n), n => new LinearNode(n, fc));
        return (Net((n, k, s, p) => new MaxPoolNode(n, [k, k], [s, s], [p, p], [1, 1])),
            Net((n, k, s, p) => new AvgPoolNode(n, [k, k], [s, s], [p, p])));
    }

    static SpikingNetwork Convert(Network ann, MaxPoolMode maxPool, NormMode norm, ImageDataset calibration)
    {
        var snn = TinyNetworks.Compile(ann, TinyNetworks.Normalization, new NeuronOptions(ResetMode.Soft), maxPool: maxPool);
        snn.SetThresholds(ThresholdBalancer.Balance(snn, ann, calibration, TinyNetworks.Normalization,
            new BalancingOptions(norm, CalibrationImages: 64, CalibrationSteps: 32, Encoding: InputCoding.Direct), CPU, maxPool));
        return snn;
    }

    [Fact]
    public void GatedMaxPoolSnnAgreesWithAnnArgmaxAtLargeT()
    {
        var (ann, _) = Build(seed: 21);
        var data = TinyNetworks.Images(200, seed: 22, labelWith: ann);   // labels = ANN predictions
        var snn = Convert(ann, MaxPoolMode.Gate, NormMode.ActMax, data);
        Assert.Equal(["input", "layers.0", "layers.1", "layers.2", "layers.3", "layers.4", "layers.5", "layers.6", "layers.7"],
            snn.Graph.Nodes.Select(n => n.Name));
        Assert.IsType<SpikingMaxPool>(snn["layers.2"]);
        Assert.IsType<SpikingMaxPool>(snn["layers.5"]);
        var result = Simulator.Run([("gate", snn)], data, new SimulationOptions(1024, InputCoding.Direct),
            new ExecutionOptions(ChunkSteps: 64), CPU)[0];
        Assert.True(result.AccuracyAt(1024) >= 95.0, $"argmax agreement {result.AccuracyAt(1024)}% < 95%");
    }

    [Fact]
    public void AverageReplacementIsTheAveragePoolTwin()
    {
        var (ann, twin) = Build(seed: 23);
        var data = TinyNetworks.Images(8, seed: 24);
        using var batch = data.Batches(8, TinyNetworks.Normalization, CPU).Single();
        using var noGrad = no_grad();
        var (probed, output) = ActivationProbe.Collect(ann, batch.Images, MaxPoolMode.Average);
        using var expected = twin.call(batch.Images);
        Assert.True(output.allclose(expected, rtol: 1e-5, atol: 1e-5), "the probe must run max-pooling as average pooling");
        Assert.Equal(2, probed.Count);

        // act-max thresholds come from the twin, and the SNN with those thresholds and the twin's agree at large T.
        var labelled = TinyNetworks.Images(200, seed: 25, labelWith: twin);
        var replaced = Convert(ann, MaxPoolMode.Average, NormMode.ActMax, labelled);
        var reference = Convert(twin, MaxPoolMode.Gate, NormMode.ActMax, labelled);
        Assert.Equal(reference.Thresholds, replaced.Thresholds);
        var result = Simulator.Run([("avg", replaced)], labelled, new SimulationOptions(512, InputCoding.Direct),
            new ExecutionOptions(ChunkSteps: 64), CPU)[0];
        Assert.True(result.AccuracyAt(512) >= 95.0, $"argmax agreement with the average-pool twin {result.AccuracyAt(512)}% < 95%");
    }

    [Fact]
    public void SpikeBalancingAndChunkingWorkThroughTheGate()
    {
        var (ann, _) = Build(seed: 26);
        var data = TinyNetworks.Images(50, seed: 27, labelWith: ann);
        var snn = Convert(ann, MaxPoolMode.Gate, NormMode.Spike, data);
        Assert.All(snn.Thresholds.Values, v => Assert.True(v > 0));
        var one = Simulator.Run([("k1", snn)], data, new SimulationOptions(40, InputCoding.Direct), new ExecutionOptions(ChunkSteps: 1), CPU)[0];
        var chunked = Simulator.Run([("k16", snn)], data, new SimulationOptions(40, InputCoding.Direct),
            new ExecutionOptions(ChunkSteps: 16), CPU)[0];
        Assert.Equal(one.CorrectPerStep, chunked.CorrectPerStep);
        Assert.Equal(one.Recorder!.Spikes.SelectMany(s => s), chunked.Recorder!.Spikes.SelectMany(s => s));
        Assert.Equal(one.Recorder!.SynapticOps.SelectMany(s => s), chunked.Recorder!.SynapticOps.SelectMany(s => s));
    }

    [Fact]
    public void DilatedMaxPoolCannotBeAveragedAndTheErrorNamesTheLayer()
    {
        var ann = TinyNetworks.Sequential(new ModelSpec("mp", 1, 8, 2), n => new Conv2dNode(n, nn.Conv2d(1, 2, 3, padding: 1)), n => new ReluNode(n),
            n => new MaxPoolNode(n, [2, 2], [2, 2], [0, 0], [2, 2]), n => new FlattenNode(n), n => new LinearNode(n, nn.Linear(18, 2)));
        var e = Assert.Throws<RmpSnnException>(() =>
            Converter.Convert(ann, Normalization.Identity(1), new ConversionOptions(MaxPool: MaxPoolMode.Average)));
        Assert.Contains("layers.2 (MaxPool)", e.Message);
        Assert.Contains("--maxpool gate", e.Message);
    }
}
