using RmpSnn.Import;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Import;

/// <summary>The real pretrained CIFAR-10 ResNet-20 (legacy torch.save format); expected values computed with PyTorch.</summary>
public class ResNet20CheckpointTests
{
    [Fact]
    public void ReadsAllTensorsWithPrefixStrippedAndMetadata()
    {
        using var cp = CheckpointReader.Read(ImportTestFiles.ResNet20);
        Assert.Equal(CheckpointFormat.TorchLegacy, cp.Format);
        Assert.Equal(97, cp.Tensors.Count);
        Assert.Equal("module.", cp.StrippedPrefix);
        Assert.Equal("state_dict", cp.StateDictKey);
        Assert.Equal(91.78, (double)cp.Metadata["best_prec1"], 4);
        Assert.Single(cp.Metadata);
        Assert.Equal("conv1.weight", cp.Tensors.Keys.First());
        Assert.Equal("linear.bias", cp.Tensors.Keys.Last());
        Assert.DoesNotContain(cp.Tensors.Keys, k => k.StartsWith("module.") || k.Contains("num_batches_tracked"));
        Assert.All(cp.Tensors.Values, t => Assert.Equal(ScalarType.Float32, t.dtype));
    }

    [Theory]
    [InlineData("conv1.weight", new long[] { 16, 3, 3, 3 }, 1.3100982000032673)]
    [InlineData("layer1.0.conv1.weight", new long[] { 16, 16, 3, 3 }, null)]
    [InlineData("layer3.2.bn2.running_var", new long[] { 64 }, 10.665690739639103)]
    [InlineData("linear.weight", new long[] { 10, 64 }, -0.04562738863751292)]
    [InlineData("linear.bias", new long[] { 10 }, 3.4442171454429626e-05)]
    public void TensorsHaveTheShapesAndSumsPyTorchReports(string name, long[] shape, double? sum)
    {
        using var cp = CheckpointReader.Read(ImportTestFiles.ResNet20);
        var t = cp.Tensors[name];
        Assert.Equal(shape, t.shape);
        if (sum is { } expected)
        {
            double actual = t.data<float>().ToArray().Sum(v => (double)v);
            Assert.Equal(expected, actual, 1e-4);
        }
    }

    [Fact]
    public void FirstValuesMatchPyTorch()
    {
        using var cp = CheckpointReader.Read(ImportTestFiles.ResNet20);
        var conv = cp.Tensors["conv1.weight"].data<float>().ToArray();
        Assert.Equal([-0.13818146288394928f, -0.1624176800251007f, 0.8207383155822754f], conv[..3]);
        var bias = cp.Tensors["linear.bias"].data<float>().ToArray();
        Assert.Equal([0.19355906546115875f, -0.3431008756160736f, 0.11120541393756866f], bias[..3]);
    }

    [Fact]
    public void ReadsWellUnderOneSecond()
    {
        CheckpointReader.Read(ImportTestFiles.ResNet20).Dispose(); // warm up TorchSharp and the JIT
        var watch = System.Diagnostics.Stopwatch.StartNew();
        CheckpointReader.Read(ImportTestFiles.ResNet20).Dispose();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(0.5), $"took {watch.Elapsed.TotalMilliseconds:F0} ms");
    }
}
