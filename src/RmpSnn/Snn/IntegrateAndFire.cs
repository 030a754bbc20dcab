using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// The integrate-and-fire rule, stated once for one neuron and one step: <c>V += I</c>; if <c>V ≥ V_th</c> the neuron
/// fires and resets, hard (<c>V = V_reset</c>, the charge above threshold is lost) or soft / RMP (<c>V −= V_th</c>, it is
/// kept). <see cref="Step(ref float, float, float, ResetMode, float)"/> is the definition (the fused kernel's scalar tail
/// runs it); <see cref="Step(Tensor, Tensor, float, ResetMode, float)"/> is the same rule on a tensor, written to be read.
/// <see cref="IfLayer"/>'s device loop (LibTorch, any device) and the fused kernel's vector body are tuned for speed and
/// perform the same float operations; the tests hold all of them to these two.
/// </summary>
public static class IntegrateAndFire
{
    /// <summary>
    /// Advances the membrane potential <paramref name="v"/> by one step of <paramref name="current"/>; returns whether
    /// the neuron fired.
    /// </summary>
    public static bool Step(ref float v, float current, float threshold, ResetMode reset, float resetTo)
    {
        float potential = v + current;
        bool fires = potential >= threshold;
        v = !fires ? potential : reset == ResetMode.Soft ? potential - threshold : resetTo;
        return fires;
    }

    /// <summary>One step for a tensor of neurons: updates <paramref name="v"/> in place and returns the binary spikes (0 or 1).</summary>
    public static Tensor Step(Tensor v, Tensor current, float threshold, ResetMode reset, float resetTo)
    {
        using var scope = NewDisposeScope();
        using Scalar vth = threshold, to = resetTo;   // held: see HeldScalars
        var potential = v.add(current, HeldScalars.One);
        var fires = potential.ge(vth);
        var next = reset == ResetMode.Soft ? where(fires, potential.sub(vth), potential) : where(fires, full_like(potential, to), potential);
        v.copy_(next);
        return fires.to_type(v.dtype).MoveToOuterDisposeScope();
    }
}
