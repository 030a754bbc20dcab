using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// A weighted stage (convolution or fully-connected): it turns input spikes into currents and counts synaptic
/// operations, every non-zero input event times the number of synapses it drives (its fan-out, exact at borders and
/// strides, derived once in float64 from the same operation with unit weights). How the count runs is fixed with the
/// engine: LibTorch operations for <see cref="SimulationEngine.Reference"/>, a single CPU pass otherwise.
/// </summary>
public abstract class SynapticStage : ISpikingStage
{
    readonly SynapticOpsCounter _synapticOps;
    readonly bool _countOnHost;

    /// <summary>
    /// Derives the fan-out and MAC count for samples of <paramref name="sampleShape"/> (without the batch) from
    /// <paramref name="connectivity"/>: the stage's operation with all weights 1 and no bias, in float64.
    /// </summary>
    protected SynapticStage(string name, SimulationEngine engine, long[] sampleShape, Device device, Func<Tensor, Tensor> connectivity)
    {
        Name = name;
        Engine = engine;
        _countOnHost = engine != SimulationEngine.Reference;
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        // float64: exact counts (float32 conv backward of 5×5/7×7 kernels is wrong on some CPUs)
        var x = ones([1, .. sampleShape], ScalarType.Float64, device).requires_grad_(true);
        var total = connectivity(x).sum();
        total.backward();
        var fanOut = x.grad!.detach().flatten().to_type(ScalarType.Float64).DetachFromDisposeScope();
        _synapticOps = new SynapticOpsCounter(fanOut, sampleShape);
        MacsPerSample = total.item<double>();
    }

    /// <summary>The node's name.</summary>
    public string Name { get; }
    /// <summary>The engine whose kernels this stage runs.</summary>
    public SimulationEngine Engine { get; }
    /// <summary>Multiply-accumulates of one dense ANN pass through this layer, per sample.</summary>
    public double MacsPerSample { get; }

    /// <summary>The input current for a chunk, without statistics.</summary>
    protected abstract Tensor Current(Tensor input);

    /// <summary>The current computed event-driven with per-sample synaptic operations filled in, or null to run <see cref="Current"/>.</summary>
    protected virtual Tensor? EventCurrent(Tensor input, double[]? synapticOps) => null;

    /// <inheritdoc/>
    public Tensor Forward(IReadOnlyList<Tensor> inputs, StepContext context)
    {
        var input = inputs[0];
        var recorder = context.Recorder;
        var perSample = recorder is null ? null : new double[input.shape[0]];
        if (EventCurrent(input, perSample) is { } current)
        {
            if (perSample is not null)
            {
                var perStep = new double[context.Steps];
                for (int i = 0; i < perSample.Length; i++) perStep[i / context.Batch] += perSample[i];
                recorder!.AddSynapticOps(Name, context.FirstStep, perStep);
            }
            return current;
        }
        if (recorder is not null)
        {
            if (_countOnHost && _synapticOps.PerStepOnCpu(input, context.Steps, context.Batch) is { } counted)
                recorder.AddSynapticOps(Name, context.FirstStep, counted);
            else
            {
                using var sops = _synapticOps.PerStep(input, context.Steps, context.Batch);
                recorder.AddSynapticOps(Name, context.FirstStep, sops);
            }
        }
        return Current(input);
    }

    /// <summary>Synaptic operations of one step whose input <c>[B, …]</c> repeats every step.</summary>
    internal double SynapticOpsPerStep(Tensor input, int batch)
    {
        using var sops = _synapticOps.PerStep(input, 1, batch);
        return sops.item<double>();
    }

    /// <inheritdoc/>
    public void ResetState() { }

    /// <inheritdoc/>
    public virtual void Dispose() => _synapticOps.Dispose();
}
