using BenchmarkDotNet.Attributes;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Benchmarks;

/// <summary>
/// One step of a 3×3 convolution synaptic layer (C → C channels, 32 samples) on ~10 % input spikes, with and without
/// SOP counting (LibTorch ops vs the fused counter).
/// </summary>
public class SpikingConv2dBenchmarks
{
    SpikingConv2d _layer = null!;
    Tensor _spikes = null!;
    StepContext _context = null!;

    [Params("16x32", "64x8")]
    public string Shape { get; set; } = "";

    /// <summary>Reference LibTorch ops or the fused CPU kernels.</summary>
    [Params(SimulationEngine.Reference, SimulationEngine.Dense)]
    public SimulationEngine Engine { get; set; }

    [Params(false, true)]
    public bool RecordStatistics { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(0);
        long[] shape = Shapes.Parse(Shape);
        var node = new Graph.Conv2dNode("conv", randn(shape[1], shape[1], 3, 3) * 0.1, null, [1, 1], [1, 1], [1, 1], 1);
        _layer = new SpikingConv2d(node, Engine, shape[1..], CPU);
        _spikes = rand(shape).lt(0.1).to_type(ScalarType.Float32);
        var recorder = RecordStatistics ? new SpikeRecorder([], ["conv"], 1) : null;
        _context = new StepContext(1, Shapes.Batch, 0, recorder);
    }

    [Benchmark]
    public void Step()
    {
        using var noGrad = no_grad();
        using var current = _layer.Forward([_spikes], _context);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _spikes.Dispose();
        _layer.Dispose();
    }
}
