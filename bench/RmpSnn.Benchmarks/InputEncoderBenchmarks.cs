using BenchmarkDotNet.Attributes;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Benchmarks;

/// <summary>Poisson encoding of 32 CIFAR-sized images for a chunk of K steps.</summary>
public class InputEncoderBenchmarks
{
    Tensor _pixels = null!;
    Generator _generator = null!;

    [Params(1, 8)]
    public int Steps { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _generator = new Generator(0);
        _pixels = rand(Shapes.Batch, 3, 32, 32);
    }

    [Benchmark]
    public void Poisson()
    {
        using var frames = InputEncoder.Encode(InputCoding.Poisson, _pixels, Steps, _generator);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pixels.Dispose();
        _generator.Dispose();
    }
}
