using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// A layer of integrate-and-fire neurons (the converted ReLU), each following <see cref="IntegrateAndFire"/>: <c>V += I(t)</c>;
/// where <c>V ≥ V_th</c> the neuron spikes and is reset (hard: <c>V = V_reset</c>; soft/RMP: <c>V −= V_th</c>). A spike is
/// emitted with amplitude V_th, so the next layer's weights stay the ANN's and rate × V_th approximates the ReLU output;
/// this gives the same spike trains as binary spikes with every downstream threshold divided by V_th (IF dynamics are
/// scale-free). With two operands (a residual junction) the neurons integrate their sum. The kernel is fixed when the layer
/// is made: the LibTorch device loop for <see cref="SimulationEngine.Reference"/> (any device), else the fused CPU pass
/// (<see cref="IntegrateAndFireKernel"/>), bit-identical to it. With <see cref="NeuronOptions.Signed"/> the neurons are
/// signed (<see cref="IntegrateAndFire.SignedStep(ref float, ref float, float, float, ResetMode, float)"/>): spikes are ±V_th,
/// and every spike of either sign is counted. With <see cref="NeuronOptions.MaxBurst"/> Γ &gt; 1 they are burst neurons
/// (<see cref="IntegrateAndFire.BurstStep(ref float, float, float, int, ResetMode, float)"/>): outputs k·V_th, k ≤ Γ, counted as k spikes.
/// </summary>
public sealed class IfLayer : ISpikingStage
{
    readonly bool _fused;
    Tensor? _potential, _net;

    /// <summary>Creates a layer whose kernel is chosen by <paramref name="engine"/>.</summary>
    public IfLayer(string name, NeuronOptions options, SimulationEngine engine = SimulationEngine.Dense)
    {
        Name = name;
        Options = options;
        Engine = engine;
        _fused = engine != SimulationEngine.Reference;
    }

    /// <summary>Layer name: the converted activation's node name, e.g. <c>layers.1</c> or <c>layers.3.activation</c>.</summary>
    public string Name { get; }
    /// <summary>Reset mode and initial/reset potentials.</summary>
    public NeuronOptions Options { get; }
    /// <summary>The engine whose kernel this layer runs.</summary>
    public SimulationEngine Engine { get; }
    /// <summary>Firing threshold V_th (null until balanced).</summary>
    public float? Threshold { get; set; }
    /// <summary>Neurons per sample (set when the network's shapes are resolved).</summary>
    public long NeuronsPerSample { get; internal set; }
    /// <summary>Channels (the first per-sample dimension: feature maps of a conv layer, features of a linear one).</summary>
    public long Channels { get; internal set; }
    /// <summary>Current membrane potential <c>[B, …]</c>, or null before the first step.</summary>
    public Tensor? MembranePotential => _potential;
    /// <summary>Signed neurons' net spike counts (positive minus negative) in the potential's layout, or null.</summary>
    public Tensor? NetSpikes => _net;

    /// <summary>
    /// Post-training calibration of this layer, or null: a per-channel current added to its input every step (bias
    /// correction) and a per-channel charge added to V(0) (potential correction). The layer owns the tensors.
    /// </summary>
    public LayerCorrection? Correction
    {
        get => _correction;
        set
        {
            _currentShift?.Dispose();
            _potentialShift?.Dispose();
            _correction = value;
            _shiftMap = null;   // made again with the next potential
            _currentShift = value is null ? null : tensor(value.CurrentShift);
            _potentialShift = value is null ? null : tensor(value.PotentialShift);
        }
    }

    LayerCorrection? _correction;
    Tensor? _currentShift, _potentialShift;
    float[]? _shiftMap;   // the current shift over one sample in the potential's memory order, for the fused kernel

    /// <summary>A per-channel vector shaped to broadcast over <c>[…, C, spatial…]</c> of a tensor of <paramref name="rank"/>, on its device.</summary>
    static Tensor PerChannel(Tensor values, long rank, int channelDim, Device device)
    {
        var shape = Enumerable.Repeat(1L, (int)rank).ToArray();
        shape[channelDim] = values.shape[0];
        return values.to(device).view(shape);
    }

    /// <summary>One chunk of steps driven by one current, or by the sum of two (a residual junction).</summary>
    public Tensor Forward(IReadOnlyList<Tensor> inputs, StepContext context) => Forward(inputs[0], inputs.Count > 1 ? inputs[1] : null, context);

    /// <summary>
    /// One chunk of steps driven by <paramref name="input"/> + <paramref name="shortcut"/> (same shape). The fused CPU
    /// kernel adds them while integrating; the device loop sums them first. Same float operations either way:
    /// <c>V += (I + I_s)</c>.
    /// </summary>
    public Tensor Forward(Tensor input, Tensor? shortcut, StepContext context)
    {
        float threshold = Threshold ?? throw new InvalidOperationException($"{Name}: threshold not balanced");

        long[] shape = input.shape;
        long[] stepShape = [context.Batch, .. shape[1..]];
        using var unshifted = input.view([context.Steps, .. stepShape]);
        using var shortcuts = shortcut?.view([context.Steps, .. stepShape]);
        if (_potential is null)
        {
            using var firstStep = unshifted[0];
            using Scalar initial = Options.InitialPotential * threshold;   // held: see HeldScalars
            _potential = empty_like(firstStep).fill_(initial);   // in the input's memory layout
            if (_potentialShift is not null)
                using (var charge = PerChannel(_potentialShift, firstStep.dim(), 1, firstStep.device)) _potential.add_(charge, HeldScalars.One);
            _potential.DetachFromDisposeScope();
            if (Options.Signed) _net = zeros_like(_potential).DetachFromDisposeScope();
            _shiftMap = _fused && _currentShift is not null ? IntegrateAndFireKernel.SampleMap(_currentShift, _potential) : null;
        }
        // the fused kernel adds the bias correction while integrating; otherwise it is one more LibTorch add
        using var shift = _currentShift is null || _shiftMap is not null ? null : PerChannel(_currentShift, unshifted.dim(), 2, unshifted.device);
        using var currents = shift is null ? unshifted.alias() : unshifted.add(shift, HeldScalars.One);

        float resetTo = Options.ResetPotential * threshold;
        Tensor output;
        if (_fused)
        {
            if (!IntegrateAndFireKernel.Supports(currents, _potential))
                throw new InvalidOperationException($"{Name}: the {Engine.ToString().ToLowerInvariant()} engine's IF kernel " +
                    $"needs float32 CPU tensors, got {currents.dtype} on {currents.device}");
            output = IntegrateAndFireKernel.Run(currents, shortcuts, _potential, _net, context.Steps, threshold, Options.MaxBurst, Options.Reset, resetTo,
                _shiftMap, out var counts);
            context.Recorder?.AddSpikes(Name, context.FirstStep, Array.ConvertAll(counts, c => (double)c));
        }
        else if (shortcuts is null) output = DeviceLoop(currents, threshold, resetTo, context);
        else
        {
            using var sum = currents.add(shortcuts, HeldScalars.One);
            output = DeviceLoop(sum, threshold, resetTo, context);
        }
        return output.view(shape);
    }

    /// <summary>
    /// The device path: LibTorch operations over the chunk's steps, on any device, tuned to write spikes in place and reset
    /// without a select (the same float operations as <see cref="IntegrateAndFire"/>); returns spikes of amplitude V_th.
    /// </summary>
    Tensor DeviceLoop(Tensor currents, float threshold, float resetTo, StepContext context)
    {
        // Binary spikes are written straight into the output, then scaled to amplitude V_th once per chunk.
        // The scalars are held in variables, not converted implicitly per call (see HeldScalars; a VGG-9 sweep crashed that way).
        using Scalar vth = threshold, minusVth = -threshold, minusOne = -1, reset = resetTo, most = Options.MaxBurst;
        var output = empty_like(currents);
        for (int t = 0; t < context.Steps; t++)
        {
            using var scope = NewDisposeScope();
            var spikes = output[t];
            _potential!.add_(currents[t], HeldScalars.One);
            var fired = _potential.ge(vth);
            // burst neurons: k = min(Γ, max(1, ⌊V/V_th⌋)) where V ≥ V_th
            if (Options.Bursts) spikes.copy_(_potential.div(vth).floor_().clamp_(HeldScalars.One, most).mul_(fired));
            else spikes.copy_(fired);
            var undone = _net is null ? null : _potential.lt(HeldScalars.Zero).logical_and_(_net.gt(HeldScalars.Zero)).to_type(spikes.dtype);
            if (undone is not null) spikes.sub_(undone);
            if (Options.Reset == ResetMode.Soft)
            {
                // a burst subtracts k·V_th as rounded to float, the amplitude the output carries
                if (Options.Bursts) _potential.sub_(spikes.mul(vth));
                else _potential.add_(spikes, minusVth);
            }
            else
            {
                // V −= V·s sets fired neurons to exactly 0 (masked_fill_ with a bool mask was 3–20× slower here)
                using var positive = undone is null && !Options.Bursts ? spikes.alias() : fired.to_type(spikes.dtype);
                _potential.addcmul_(_potential, positive, minusOne);
                if (resetTo != 0) _potential.add_(positive, reset);
                if (undone is not null) _potential.add_(undone, vth);
            }
            _net?.add_(spikes, HeldScalars.One);
        }
        if (context.Recorder is not null)
        {
            using var magnitudes = _net is null ? output.alias() : output.abs();
            using var counts = magnitudes.view(context.Steps, -1).sum(1, type: ScalarType.Float64);
            context.Recorder.AddSpikes(Name, context.FirstStep, counts);
        }
        return output.mul_(vth);
    }

    /// <inheritdoc/>
    public void ResetState()
    {
        _potential?.Dispose();
        _net?.Dispose();
        (_potential, _net) = (null, null);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        ResetState();
        Correction = null;
    }
}
