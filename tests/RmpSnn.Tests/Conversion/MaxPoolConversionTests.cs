using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Snn;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Conversion;

[Collection(SerialTorchRng.Name)]   // seeds torch's global generator
public class MaxPoolConversionTests
{
    /// <summary>conv–ReLU–maxpool–conv–ReLU–maxpool(3, stride 2, padding 1)–flatten–linear on 3×8×8, or its average-pool twin sharing the weights.</summary>
    static (Network MaxPool, Network AvgPool) Build(int seed)
    {
        manual_seed(seed);
        var conv1 = nn.Conv2d(3, 8, 3, padding: 1, bias: false);
        var conv2 = nn.Conv2d(8, 16, 3, padding: 1);
        var fc = nn.Linear(16 * 2 * 2, 5, hasBias: false);
        Network Net(Func<long, long, long, nn.Module<Tensor, Tensor>> pool)
        {
            var net = new Network(TinyNetworks.Spec, [conv1, nn.ReLU(), pool(2, 2, 0), conv2, nn.ReLU(), pool(3, 2, 1), nn.Flatten(), fc]);
            net.eval();
            return net;
        }
        return (Net((k, s, p) => nn.MaxPool2d(k, s, p)), Net((k, s, p) => nn.AvgPool2d(k, s, p)));
    }

    static SpikingNetwork Convert(Network ann, MaxPoolMode maxPool, NormMode norm, ImageDataset calibration)
    {
        var snn = Converter.Convert(ann, TinyNetworks.Normalization, new ConversionOptions(new NeuronOptions(ResetMode.Soft), MaxPool: maxPool));
        snn.SetThresholds(ThresholdBalancer.Balance(snn, ann, calibration, TinyNetworks.Normalization,
            new BalancingOptions(norm, CalibrationImages: 64, CalibrationSteps: 32, Encoding: Encoding.Direct), CPU, maxPool));
        return snn;
    }

    [Fact]
    public void GatedMaxPoolSnnAgreesWithAnnArgmaxAtLargeT()
    {
        var (ann, _) = Build(seed: 21);
        var data = TinyNetworks.Images(200, seed: 22, labelWith: ann);   // labels = ANN predictions
        var snn = Convert(ann, MaxPoolMode.Gate, NormMode.ActMax, data);
        Assert.Equal(["conv1", "relu1", "maxpool1", "conv2", "relu2", "maxpool2", "flatten1", "fc1"], snn.Stages.Select(s => s.Name));
        var result = Simulator.Run([("gate", snn)], data, new SimulationOptions(1024, Encoding.Direct, ChunkSteps: 64), CPU)[0];
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
        var result = Simulator.Run([("avg", replaced)], labelled, new SimulationOptions(512, Encoding.Direct, ChunkSteps: 64), CPU)[0];
        Assert.True(result.AccuracyAt(512) >= 95.0, $"argmax agreement with the average-pool twin {result.AccuracyAt(512)}% < 95%");
    }

    [Fact]
    public void SpikeBalancingAndChunkingWorkThroughTheGate()
    {
        var (ann, _) = Build(seed: 26);
        var data = TinyNetworks.Images(50, seed: 27, labelWith: ann);
        var snn = Convert(ann, MaxPoolMode.Gate, NormMode.Spike, data);
        Assert.All(snn.Thresholds, v => Assert.True(v > 0));
        var one = Simulator.Run([("k1", snn)], data, new SimulationOptions(40, Encoding.Direct, ChunkSteps: 1), CPU)[0];
        var chunked = Simulator.Run([("k16", snn)], data, new SimulationOptions(40, Encoding.Direct, ChunkSteps: 16), CPU)[0];
        Assert.Equal(one.CorrectPerStep, chunked.CorrectPerStep);
        Assert.Equal(one.Recorder!.Spikes.SelectMany(s => s), chunked.Recorder!.Spikes.SelectMany(s => s));
        Assert.Equal(one.Recorder!.SynapticOps.SelectMany(s => s), chunked.Recorder!.SynapticOps.SelectMany(s => s));
    }

    [Fact]
    public void DilatedMaxPoolCannotBeAveragedAndTheErrorNamesTheLayer()
    {
        var ann = new Network(new ModelSpec("mp", 1, 8, 2), [nn.Conv2d(1, 2, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2, 2, 0, dilation: 2), nn.Flatten(), nn.Linear(18, 2)]);
        var e = Assert.Throws<RmpSnnException>(() => Converter.Convert(ann, Normalization.Identity(1),
            new ConversionOptions(new NeuronOptions(ResetMode.Soft), MaxPool: MaxPoolMode.Average)));
        Assert.Contains("layer 2 (MaxPool2d)", e.Message);
        Assert.Contains("--maxpool gate", e.Message);
    }
}
