using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// A stateless linear stage of a spiking network: convolution, fully-connected, average pooling, flatten or a
/// zero-padding shortcut. Weighted layers (<see cref="IsWeighted"/>) count synaptic operations: every non-zero input
/// event times the number of synapses it drives (its fan-out, exact at borders and strides).
/// </summary>
public sealed class SynapticLayer : ISpikingStage
{
    readonly Func<Tensor, Tensor> _forward;
    readonly Func<Tensor, Tensor>? _connectivity;
    readonly Func<Tensor, double[]?, Tensor?>? _eventForward;
    SynapticOpsCounter? _synapticOps;

    /// <summary>Creates a layer.</summary>
    /// <param name="name">Report name, e.g. <c>conv1</c>.</param>
    /// <param name="forward">The operation applied to <c>[N, …]</c> inputs.</param>
    /// <param name="connectivity">For weighted layers: the same operation with all weights 1 and no bias (used once, to derive the fan-out).</param>
    /// <param name="eventForward">
    /// The same operation computed event-driven on the CPU (<see cref="SimulationEngine.Event"/>), if the layer has one; it
    /// fills the per-sample synaptic operations when given an array, and returns null when the input is too dense to gain.
    /// </param>
    public SynapticLayer(string name, Func<Tensor, Tensor> forward, Func<Tensor, Tensor>? connectivity = null,
        Func<Tensor, double[]?, Tensor?>? eventForward = null)
    {
        Name = name;
        _forward = forward;
        _connectivity = connectivity;
        _eventForward = eventForward;
    }

    /// <summary>Layer name.</summary>
    public string Name { get; }
    /// <summary>True for conv/linear layers, whose synaptic operations are counted.</summary>
    public bool IsWeighted => _connectivity is not null;
    /// <summary>Index among the network's weighted layers (for statistics).</summary>
    public int Index { get; internal set; }
    /// <summary>Multiply-accumulates of one dense ANN pass through this layer, per sample (set when shapes are resolved).</summary>
    public double MacsPerSample { get; private set; }

    /// <summary>Derives the per-input fan-out and MAC count from an input of shape <c>[1, …]</c>.</summary>
    internal void ResolveShape(Tensor sample)
    {
        if (_connectivity is null) return;
        using var grad = enable_grad();
        using var x = ones_like(sample, ScalarType.Float64).requires_grad_(true);   // float64: exact counts (float32 conv backward of 5×5/7×7 kernels is wrong on some CPUs)
        using var y = _connectivity(x);
        using var total = y.sum();
        total.backward();
        var fanOut = x.grad!.detach().flatten().to_type(ScalarType.Float64);
        fanOut.DetachFromDisposeScope();
        _synapticOps?.Dispose();
        _synapticOps = new SynapticOpsCounter(fanOut, sample.shape[1..]);
        MacsPerSample = total.item<double>();
    }

    public Tensor Forward(Tensor input, StepContext context)
    {
        bool record = _synapticOps is not null && context.Recorder is not null;
        if (context.Engine == SimulationEngine.Event && _eventForward is not null && input.device_type == DeviceType.CPU)
        {
            var perSample = record ? new double[input.shape[0]] : null;
            if (_eventForward(input, perSample) is { } current)
            {
                if (perSample is not null)
                {
                    var perStep = new double[context.Steps];
                    for (int i = 0; i < perSample.Length; i++) perStep[i / context.Batch] += perSample[i];
                    context.Recorder!.AddSynapticOps(Index, context.FirstStep, perStep);
                }
                return current;
            }
        }
        if (record)
        {
            if (context.Engine != SimulationEngine.Reference && _synapticOps!.PerStepOnCpu(input, context.Steps, context.Batch) is { } counted)
                context.Recorder!.AddSynapticOps(Index, context.FirstStep, counted);
            else
            {
                using var sops = _synapticOps!.PerStep(input, context.Steps, context.Batch);
                context.Recorder!.AddSynapticOps(Index, context.FirstStep, sops);
            }
        }
        return _forward(input);
    }

    /// <summary>Synaptic operations of one step whose input <c>[B, …]</c> repeats every step (0 for unweighted layers).</summary>
    internal double SynapticOpsPerStep(Tensor input, int batch)
    {
        if (_synapticOps is null) return 0;
        using var sops = _synapticOps.PerStep(input, 1, batch);
        return sops.item<double>();
    }

    public void ResetState() { }
}
