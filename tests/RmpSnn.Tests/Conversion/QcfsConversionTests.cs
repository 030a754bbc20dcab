using RmpSnn.Experiments;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Evaluation;
using RmpSnn.Graph;
using RmpSnn.Models;
using RmpSnn.Snn;
using RmpSnn.Training;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Conversion;

[Collection(SerialTorchRng.Name)]   // TinyNetworks seeds torch's global generator
public class QcfsConversionTests
{
    const int Levels = 4;

    static SpikingNetwork Convert(Network ann, ImageDataset calibration)
    {
        var snn = TinyNetworks.Compile(ann, TinyNetworks.Normalization, new NeuronOptions(ResetMode.Soft, InitialPotential: 0.5f));
        snn.SetThresholds(ThresholdBalancer.Balance(snn, ann, calibration, TinyNetworks.Normalization,
            new BalancingOptions(NormMode.Qcfs), CPU));
        return snn;
    }

    static Network RandomClips(Network ann, int seed)
    {
        var rng = new Random(seed);
        using var _ = no_grad();
        foreach (var q in ActivationProbe.Activations(ann).Cast<QcfsNode>()) q.Qcfs.Lambda.fill_(0.5 + rng.NextDouble());
        return ann;
    }

    [Fact]
    public void ThresholdsAreTheClipsJunctionsIncluded()
    {
        var ann = RandomClips(TinyNetworks.Build(seed: 1, qcfsLevels: Levels), seed: 2);
        var snn = Convert(ann, TinyNetworks.Images(4, seed: 3));
        var clips = ActivationProbe.Activations(ann).Cast<QcfsNode>().ToDictionary(q => q.Name, q => (float?)q.Qcfs.Lambda.item<float>());
        Assert.Equal(5, clips.Count);                               // stem, block1 main + junction, block2 main + junction
        Assert.Equal(clips, snn.Thresholds);
        Assert.Equal(["layers.1", "layers.3.main.1", "layers.3.activation", "layers.4.main.1", "layers.4.activation"],
            snn.Neurons.Select(n => n.Name).ToArray());
    }

    [Fact]
    public void FirstLayerSpikeCountAfterLStepsEqualsTheQcfsOutputExactly()
    {
        var ann = RandomClips(TinyNetworks.Build(seed: 4, batchNorm: true, qcfsLevels: Levels), seed: 5);
        var data = TinyNetworks.Images(8, seed: 6);
        var snn = Convert(ann, data);
        using var raw = data.Batches(8, Normalization.Identity(3), CPU).Single();
        using var normalised = data.Batches(8, TinyNetworks.Normalization, CPU).Single();
        using var noGrad = no_grad();
        using var expected = TinyNetworks.AnnValue(ann, "layers.2", normalised.Images);   // conv, BN, QCFS
        var lambda = ((QcfsNode)ann.Graph["layers.2"]).Qcfs.Lambda.item<float>();
        snn.ResetState();
        Tensor? count = null;
        for (int t = 0; t < Levels; t++)
        {
            using var current = snn["layers.0"].Forward([raw.Images], new StepContext(1, 8, t));   // direct input: constant current
            using var spikes = snn["layers.2"].Forward([current], new StepContext(1, 8, t));       // spikes carry amplitude V_th
            count = count is null ? spikes.clone() : count.add_(spikes);
        }
        using (count)
        using (var rate = count! / Levels)
            Assert.True(rate.allclose(expected, atol: 1e-4 * lambda), "soft reset, V(0) = V_th/2, T = L must reproduce h(x)");
    }

    [Fact]
    public void SnnAgreesWithQcfsAnnArgmaxAtSmallT()   // clips from a ReLU twin, as when fine-tuning
    {
        var ann = TinyNetworks.Build(seed: 7, batchNorm: true, qcfsLevels: Levels);
        InitialWeights.Copy(TinyNetworks.Build(seed: 7, batchNorm: true), ann, TinyNetworks.Images(64, seed: 8), TinyNetworks.Normalization, CPU);
        var data = TinyNetworks.Images(200, seed: 9, labelWith: ann);   // labels = ANN predictions
        var snn = Convert(ann, data);
        int steps = 8 * Levels;
        var result = Simulator.Run([("qcfs", snn)], data, new SimulationOptions(steps, InputCoding.Direct),
            new ExecutionOptions(ChunkSteps: 16), CPU)[0];
        Assert.True(result.AccuracyAt(Levels) >= 95.0, $"argmax agreement {result.AccuracyAt(Levels)}% < 95% at T = L");
        Assert.True(result.AccuracyAt(steps) >= 99.0, $"argmax agreement {result.AccuracyAt(steps)}% < 99% at T = {steps}");
    }

    [Fact]
    public void ClipNormOnAReluNetworkOrWithSpikingReadoutIsAClearError()
    {
        var relu = TinyNetworks.Build(seed: 10);
        var data = TinyNetworks.Images(4, seed: 11);
        var snn = TinyNetworks.Compile(relu, TinyNetworks.Normalization, new NeuronOptions(ResetMode.Soft));
        var e = Assert.Throws<RmpSnnException>(() =>
            ThresholdBalancer.Balance(snn, relu, data, TinyNetworks.Normalization, new BalancingOptions(NormMode.Qcfs), CPU));
        Assert.Contains("--norm qcfs", e.Message);
        var qcfs = TinyNetworks.Build(seed: 10, qcfsLevels: Levels);
        var spiking = TinyNetworks.Compile(qcfs, TinyNetworks.Normalization, new NeuronOptions(ResetMode.Soft), readout: ReadoutMode.Spikes);
        e = Assert.Throws<RmpSnnException>(() =>
            ThresholdBalancer.Balance(spiking, qcfs, data, TinyNetworks.Normalization, new BalancingOptions(NormMode.Qcfs), CPU));
        Assert.Contains("--readout potential", e.Message);
    }

    [Fact]
    public void InitialWeightsCopyReluWeightsAndSetClipsFromActivationPercentiles()
    {
        var relu = TinyNetworks.Build(seed: 12, batchNorm: true);
        var qcfs = TinyNetworks.Build(seed: 13, batchNorm: true, qcfsLevels: Levels);
        var data = TinyNetworks.Images(64, seed: 14);
        InitialWeights.Copy(relu, qcfs, data, TinyNetworks.Normalization, CPU);
        var target = qcfs.state_dict();
        foreach (var (name, value) in relu.state_dict())
            Assert.True(TensorAssert.Same(value, target[name]), name);
        var reluSnn = TinyNetworks.Compile(relu, TinyNetworks.Normalization, new NeuronOptions(ResetMode.Soft));
        var percentiles = ThresholdBalancer.Balance(reluSnn, relu, data, TinyNetworks.Normalization,
            new BalancingOptions(NormMode.ActPct, CalibrationImages: 64, Percentile: InitialWeights.ClipPercentile), CPU);
        Assert.Equal(percentiles, ActivationProbe.Activations(qcfs).Cast<QcfsNode>().ToDictionary(q => q.Name, q => q.Qcfs.Lambda.item<float>()));

        var other = TinyNetworks.Sequential(TinyNetworks.Spec with { Classes = 6, Activation = "qcfs" });
        Assert.Throws<RmpSnnException>(() => InitialWeights.Copy(relu, other, data, TinyNetworks.Normalization, CPU));
    }
}
