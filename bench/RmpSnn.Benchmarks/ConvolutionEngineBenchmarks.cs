using BenchmarkDotNet.Attributes;
using RmpSnn.Snn;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RmpSnn.Benchmarks;

/// <summary>
/// A 3×3 convolution (C → C, 32 samples) on binary spikes of a given density, in channels-last memory as the event
/// engine runs it: dense GEMM against the event engine on binary spikes (the table-lookup kernel where the layer has one and
/// the density exceeds <see cref="EventConvolution.PatternDensity"/>, else the scatter) and against the scatter alone (the
/// same events with graded values), the comparisons behind <see cref="EventConvolution.BreakEvenDensity"/> and
/// <see cref="EventConvolution.PatternDensity"/>.
/// </summary>
public class ConvolutionEngineBenchmarks
{
    Tensor _spikes = null!, _graded = null!, _weight = null!;
    EventConvolution _events = null!;
    static readonly long[] Unit = [1, 1];

    [Params("16x32", "32x16", "64x8", "128x16", "512x4")]
    public string Shape { get; set; } = "";

    [Params(0.02, 0.05, 0.1, 0.2)]
    public double Density { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(0);
        long[] shape = Shapes.Parse(Shape);
        _weight = randn(shape[1], shape[1], 3, 3) * 0.1;
        _events = new EventConvolution(_weight, Unit, Unit);
        using var nchw = rand(shape).lt(Density).to_type(ScalarType.Float32);
        _spikes = nchw.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);   // NHWC memory, [N, C, H, W] view
        using var values = rand(shape) + 1;                                      // graded amplitudes: no pattern table
        using var graded = nchw * values;
        _graded = graded.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
    }

    [Benchmark(Baseline = true)]
    public void Dense()
    {
        using var noGrad = no_grad();
        using var current = F.conv2d(_spikes, _weight, null, Unit, Unit);
    }

    [Benchmark]
    public void Event()
    {
        using var current = _events.Apply(_spikes);
    }

    [Benchmark]
    public void Scatter()
    {
        using var current = _events.Apply(_graded);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _spikes.Dispose();
        _graded.Dispose();
        _weight.Dispose();
    }
}
