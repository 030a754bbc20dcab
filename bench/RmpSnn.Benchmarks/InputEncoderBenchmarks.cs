using BenchmarkDotNet.Attributes;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Benchmarks;

/// <summary>Poisson encoding of a batch of CIFAR-sized images for a chunk of K steps (one seeded draw per image and step).</summary>
public class InputEncoderBenchmarks
{
    Tensor _pixels = null!;
    int[] _ids = null!;

    [Params(1, 8)]
    public int Steps { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ids = Enumerable.Range(0, Shapes.Batch).ToArray();
        _pixels = rand(Shapes.Batch, 3, 32, 32);
    }

    [Benchmark]
    public void Poisson()
    {
        using var frames = InputEncoder.Encode(InputCoding.Poisson, _pixels, 0, Steps, seed: 0, _ids);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pixels.Dispose();
    }
}
