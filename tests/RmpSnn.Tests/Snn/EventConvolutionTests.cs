using RmpSnn.Snn;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RmpSnn.Tests.Snn;

public sealed class EventConvolutionTests
{
    [Theory]
    [InlineData(3, 5, 3, 1, 1, 7, 0.1)]     // VGG-style 3×3, channels not a multiple of the vector width
    [InlineData(4, 17, 3, 2, 1, 8, 0.3)]    // ResNet downsampling conv
    [InlineData(16, 32, 1, 2, 0, 9, 0.5)]   // 1×1 projection shortcut, odd input size
    [InlineData(2, 8, 5, 1, 2, 6, 1.0)]     // dense input, wide kernel
    [InlineData(8, 16, 3, 1, 0, 5, 0.0)]    // no events at all
    [InlineData(16, 16, 3, 1, 1, 10, 0.1)]  // ResNet's first stage: interior pixels take the three-row kernel
    [InlineData(21, 128, 3, 1, 1, 6, 0.2)]  // widest row for the three-row kernel; 21 channels: a partial channel vector
    [InlineData(8, 136, 3, 1, 1, 5, 0.3)]   // wider rows go one kernel row at a time
    // binary spike maps (one amplitude) above the pattern density take the table-lookup kernel where the channels allow
    [InlineData(16, 16, 3, 1, 1, 10, 0.1, true)]   // ResNet's first stage, borders on all sides
    [InlineData(32, 32, 3, 1, 1, 6, 0.5, true)]    // four channel groups, two output chunks
    [InlineData(8, 16, 3, 1, 0, 7, 0.3, true)]     // no padding
    [InlineData(16, 32, 1, 1, 0, 5, 0.4, true)]    // 1×1 kernel: the general tap loop
    [InlineData(8, 16, 5, 1, 2, 6, 0.9, true)]     // 5×5 kernel, nearly dense
    [InlineData(16, 32, 3, 2, 1, 8, 0.3, true)]    // strided: scatter or nothing, the table is stride-1 only
    // signed spike maps (±a): the majority sign through the table, the other scattered
    [InlineData(16, 16, 3, 1, 1, 10, 0.1, true, 0.2)]
    [InlineData(32, 32, 3, 1, 1, 6, 0.5, true, 0.7)]   // mostly negative: the table takes −a
    [InlineData(16, 32, 3, 2, 1, 8, 0.3, true, 0.3)]   // strided: all scattered
    public void EqualsTheDenseConvolution(int inChannels, int outChannels, int kernel, int stride, int padding, int size, double density,
        bool binary = false, double negative = 0)
    {
        var generator = new TorchSharp.torch.Generator(7);
        using var weight = randn([outChannels, inChannels, kernel, kernel], generator: generator);
        using var signs = rand([3, inChannels, size, size], generator: generator).lt(negative).to_type(ScalarType.Float32) * -2 + 1;
        using var values = binary
            ? full([3, inChannels, size, size], 0.75f) * signs
            : rand([3, inChannels, size, size], generator: generator) * 2;   // non-binary: pooled spikes are fractions
        using var mask = rand([3, inChannels, size, size], generator: generator).lt(density);
        using var input = values.mul(mask);
        long[] strides = [stride, stride], paddings = [padding, padding];

        // float64 reference: LibTorch 2.10's float32 NCHW convolution (oneDNN) is wrong on this machine when C_in is not a
        // multiple of the channel block (17–31, 33–47 … channels; docs/PERFORMANCE.md "Known LibTorch bug")
        using var expected = F.conv2d(input.to(float64), weight.to(float64), null, strides, paddings).to(float32);
        var synapticOps = new double[3];
        using var actual = new EventConvolution(weight, strides, paddings).Apply(input, synapticOps);

        Assert.Equal(expected.shape, actual.shape);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-5), $"max difference {(actual - expected).abs().max().item<float>()}");
        // a bias (BatchNorm folded into the conv) is added to every output as it is made
        using var bias = randn([outChannels], generator: generator);
        using var biased = new EventConvolution(weight, strides, paddings, bias).Apply(input);
        using var expectedBiased = expected + bias.view(1, -1, 1, 1);
        Assert.True(biased.allclose(expectedBiased, rtol: 1e-5, atol: 1e-5), $"with bias: max difference {(biased - expectedBiased).abs().max().item<float>()}");
        // synaptic operations = Σ over non-zero inputs of their fan-out: C_out × the outputs whose window covers the input
        int outSize = (size + 2 * padding - kernel) / stride + 1;
        int Covering(int i) => Enumerable.Range(0, outSize).Count(o => i + padding - stride * o is var k && k >= 0 && k < kernel);
        using var fanOut = tensor(Enumerable.Range(0, size)
            .Select(y => Enumerable.Range(0, size).Select(x => (double)outChannels * Covering(y) * Covering(x)))
            .SelectMany(v => v).ToArray()).view(1, 1, size, size);
        using var expectedOps = input.ne(0).to_type(ScalarType.Float64).mul(fanOut).sum([1, 2, 3]);
        Assert.Equal(expectedOps.data<double>().ToArray(), synapticOps);
    }

    [Fact]
    public void InputsDenserThanTheBreakEvenAreLeftToTheDenseKernel()
    {
        using var weight = ones(16, 4, 3, 3);
        var events = new EventConvolution(weight, [1, 1], [1, 1]);
        Assert.Equal(16 / 300.0, events.BreakEvenDensity);
        using var sparse = zeros(2, 4, 10, 10);
        sparse[0, 1, 2, 3] = tensor(1f);                      // density 1/800
        using var dense = ones(2, 4, 10, 10);
        using var current = events.TryApply(sparse);
        Assert.NotNull(current);
        Assert.Equal(16f * 9, current!.sum().item<float>());   // one event, weight 1, reaches 3×3 positions in each of 16 channels
        Assert.Null(events.TryApply(dense));
        Assert.NotNull(events.TryApply(dense, maxDensity: 1));
    }

    [Fact]
    public void DenseBinarySpikeMapsRunOnThePatternTable()
    {
        var generator = new TorchSharp.torch.Generator(3);
        using var weight = randn([16, 16, 3, 3], generator: generator);
        var events = new EventConvolution(weight, [1, 1], [1, 1]);
        Assert.Equal(0.03, events.PatternDensity, 12);
        // far above the scatter's break-even
        using var spikes = rand([2, 16, 8, 8], generator: generator).lt(0.4).to_type(ScalarType.Float32) * 1.5f;
        using var current = events.TryApply(spikes);
        Assert.NotNull(current);
        using var expected = F.conv2d(spikes.to(float64), weight.to(float64), null, [1, 1], [1, 1]).to(float32);
        Assert.True(current!.allclose(expected, rtol: 1e-5, atol: 1e-5), $"max difference {(current - expected).abs().max().item<float>()}");
        using var graded = spikes * (rand([2, 16, 8, 8], generator: generator) + 1);   // same density, amplitudes differ: no table
        Assert.Null(events.TryApply(graded));
        // signed spikes of ±1.5: the table takes the positive ones, the scatter the few negative ones
        using var signed = spikes * (rand([2, 16, 8, 8], generator: generator).lt(0.1).to_type(ScalarType.Float32) * -2 + 1);
        using var signedCurrent = events.TryApply(signed);
        Assert.NotNull(signedCurrent);
        using var signedExpected = F.conv2d(signed.to(float64), weight.to(float64), null, [1, 1], [1, 1]).to(float32);
        Assert.True(signedCurrent!.allclose(signedExpected, rtol: 1e-5, atol: 1e-5));
        using var strided = new EventConvolution(weight, [2, 2], [1, 1]).TryApply(spikes);
        Assert.Null(strided);                                                          // strided layers have no table
    }

    [Fact]
    public void ChannelsLastInputGivesTheSameChannelsLastOutput()
    {
        var generator = new TorchSharp.torch.Generator(11);
        using var weight = randn([24, 12, 3, 3], generator: generator);
        using var input = rand([2, 12, 9, 9], generator: generator).lt(0.1).to_type(ScalarType.Float32);
        using var channelsLast = input.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        var events = new EventConvolution(weight, [1, 1], [1, 1]);
        double[] fromPlanes = new double[2], fromPixels = new double[2];
        using var expected = events.Apply(input, fromPlanes);
        using var actual = events.Apply(channelsLast, fromPixels);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-5));
        Assert.Equal(fromPlanes, fromPixels);
        using var nhwc = actual.permute(0, 2, 3, 1);
        Assert.True(nhwc.is_contiguous(), "the output should be channels-last memory");
    }

    [Fact]
    public void GroupedAndDilatedConvolutionsStayDense()
    {
        Assert.True(EventConvolution.Supports([1, 1], 1));
        Assert.False(EventConvolution.Supports([2, 2], 1));
        Assert.False(EventConvolution.Supports([1, 1], 2));
    }
}
