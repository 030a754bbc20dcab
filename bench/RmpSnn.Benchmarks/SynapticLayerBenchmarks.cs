using BenchmarkDotNet.Attributes;
using RmpSnn.Snn;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RmpSnn.Benchmarks;

/// <summary>One step of a 3×3 convolution synaptic layer (C → C channels, 32 samples) on ~10 % input spikes, with and without SOP counting (LibTorch ops vs the fused counter).</summary>
public class SynapticLayerBenchmarks
{
    SynapticLayer _layer = null!;
    Tensor _spikes = null!, _weight = null!, _unit = null!;
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
        _weight = randn(shape[1], shape[1], 3, 3) * 0.1;
        _unit = ones_like(_weight, ScalarType.Float64);
        _layer = new SynapticLayer("conv", x => F.conv2d(x, _weight, padding: [1, 1]), x => F.conv2d(x, _unit, padding: [1, 1]));
        using (no_grad()) new SpikingNetwork(new Models.ModelSpec("bench", (int)shape[1], (int)shape[2], 2), [_layer], ReadoutMode.Potential, CPU);
        _spikes = rand(shape).lt(0.1).to_type(ScalarType.Float32);
        var recorder = RecordStatistics ? new Evaluation.SpikeRecorder(0, 1, 1) : null;
        _context = new StepContext(1, Shapes.Batch, 0, recorder, engine: Engine);
    }

    [Benchmark]
    public void Step()
    {
        using var noGrad = no_grad();
        using var current = _layer.Forward(_spikes, _context);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _spikes.Dispose();
        _weight.Dispose();
        _unit.Dispose();
    }
}
