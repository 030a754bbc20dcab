using BenchmarkDotNet.Attributes;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Benchmarks;

/// <summary>One membrane update step of an IF layer (32 samples), hard vs soft reset, LibTorch ops vs the fused kernel.</summary>
public class IfLayerBenchmarks
{
    IfLayer _neuron = null!;
    Tensor _current = null!;
    StepContext _context = null!;

    [Params(ResetMode.Hard, ResetMode.Soft)]
    public ResetMode Reset { get; set; }

    [Params("16x32", "64x8")]
    public string Shape { get; set; } = "";

    /// <summary>Reference LibTorch ops or the fused CPU kernels.</summary>
    [Params(SimulationEngine.Reference, SimulationEngine.Dense)]
    public SimulationEngine Engine { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(0);
        _neuron = new IfLayer("bench", new NeuronOptions(Reset), Engine) { Threshold = 1f };
        _current = rand(Shapes.Parse(Shape)) * 0.4;
        _context = new StepContext(1, Shapes.Batch, 0);
    }

    [Benchmark]
    public void Step()
    {
        using var spikes = _neuron.Forward(_current, null, _context);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _neuron.ResetState();
        _current.Dispose();
    }
}
