using BenchmarkDotNet.Attributes;
using RmpSnn.Snn;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RmpSnn.Benchmarks;

/// <summary>A 3×3 convolution (C → C, 32 samples) on binary spikes of a given density: dense GEMM against event-driven scatter.</summary>
public class ConvolutionEngineBenchmarks
{
    Tensor _spikes = null!, _weight = null!;
    EventConvolution _events = null!;
    static readonly long[] Unit = [1, 1];

    [Params("16x32", "64x8", "512x4")]
    public string Shape { get; set; } = "";

    [Params(0.02, 0.1, 0.3)]
    public double Density { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(0);
        long[] shape = Shapes.Parse(Shape);
        _weight = randn(shape[1], shape[1], 3, 3) * 0.1;
        _events = new EventConvolution(_weight, Unit, Unit);
        _spikes = rand(shape).lt(Density).to_type(ScalarType.Float32);
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

    [GlobalCleanup]
    public void Cleanup()
    {
        _spikes.Dispose();
        _weight.Dispose();
    }
}
