using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Evaluation;
using RmpSnn.Import.Onnx;
using RmpSnn.Snn;
using RmpSnn.Tests.Data;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Import;

/// <summary>
/// ImageNet-size torchvision networks (224 × 224, max-pool stems and heads, BN, 1×1 downsample shortcuts) import through
/// ONNX with PyTorch's logits, convert with max-pool gates, and simulate 224² images within a memory budget.
/// </summary>
public sealed class TorchvisionImageNetSizeTests(Torchvision224Models models, ITestOutputHelper output) : IClassFixture<Torchvision224Models>
{
    const double MaxMemoryMegabytes = 600;

    [Theory]
    [InlineData("resnet34")]
    [InlineData("vgg16")]
    public void ImportsWithPyTorchsLogitsConvertsAndSimulatesWithinTheMemoryBudget(string name)
    {
        using var ann = OnnxImporter.Import(models.File($"{name}.onnx"));
        Assert.Equal((3, 224, 10), (ann.Spec.InChannels, ann.Spec.ImageSize, ann.Spec.Classes));
        using (no_grad())
        using (var input = tensor(models.Input).view(models.InputShape))
        using (var expected = tensor(models.Logits[name]).view(models.InputShape[0], -1))
        using (var logits = ann.call(input))
        {
            double difference = (logits - expected).abs().max().item<float>(), scale = expected.abs().max().item<float>();
            output.WriteLine($"{name}: max |logit − PyTorch's| = {difference:G3} (logits up to {scale:G3})");
            Assert.True(difference <= 1e-4 * Math.Max(1, scale), $"{name}: logits differ from PyTorch's by {difference}");
        }

        var pixels = new byte[2 * 3 * 224 * 224];
        new Random(8).NextBytes(pixels);
        var images = new ImageDataset("random224", pixels, [0, 1], 3, 224, 224, 10);
        var identity = Normalization.Identity(3);
        using var snn = ConversionPipeline.Compile(ann, identity, new ConversionOptions(), new NeuronOptions(ResetMode.Soft, InitialPotential: 0.5f),
            SimulationEngine.Dense, CPU);
        snn.SetThresholds(ThresholdBalancer.Balance(snn, ann, images, identity,
            new BalancingOptions(NormMode.ActMax, CalibrationImages: 2, Encoding: InputCoding.Direct), CPU));
        Assert.Contains(snn.Graph.Nodes, n => n is RmpSnn.Graph.MaxPoolGateNode);
        var result = Simulator.Run([("soft", snn)], images, new SimulationOptions(8, InputCoding.Direct),
            new ExecutionOptions(BatchSize: 2, ChunkSteps: 8, MaxMemoryMegabytes: MaxMemoryMegabytes), CPU)[0];
        var execution = result.Execution!;
        double estimate = MemoryBudget.EstimateMegabytes([snn], execution.BatchSize, execution.ChunkSteps);
        output.WriteLine($"{name}: simulated 2 images × 8 steps at batch {execution.BatchSize}, chunk {execution.ChunkSteps}: " +
            $"estimated working set {estimate:F0} MB of {MaxMemoryMegabytes} MB; spike rates {string.Join(" ", result.SpikeRates().Select(r => r.ToString("F3")))}");
        Assert.True(estimate <= MaxMemoryMegabytes);
        Assert.True(result.SpikeRates().Sum() > 0, "the network should spike");
    }
}
