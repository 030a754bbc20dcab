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
/// <para>
/// <see cref="SignedStep(ref float, ref float, float, float, ResetMode, float)"/> is the signed neuron with memory (after
/// Wang et al., IJCAI 2022), an extension beyond the paper's IF neuron: it also keeps its net spike count <c>N</c> and,
/// when <c>V &lt; 0</c> while <c>N &gt; 0</c> (it fired more than its input has since justified), emits a negative spike
/// and takes the charge back, <c>V += V_th</c>, <c>N −= 1</c>. Its output then never exceeds its input's positive part.
/// </para>
/// <para>
/// <see cref="BurstStep(ref float, float, float, int, ResetMode, float)"/> is the burst neuron (after Li &amp; Zeng, IJCAI 2022),
/// another extension: when <c>V ≥ V_th</c> it emits <c>k = min(Γ, max(1, ⌊V/V_th⌋))</c> spikes at once, one output of
/// amplitude <c>k·V_th</c>, and resets by it (soft: <c>V −= k·V_th</c>; hard: <c>V = V_reset</c>). A neuron can thus pass
/// up to Γ·V_th per step; Γ = 1 is the IF neuron.
/// </para>
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

    /// <summary>
    /// One step of the signed neuron: <see cref="Step(ref float, float, float, ResetMode, float)"/>'s positive spike, else a
    /// negative one when <c>V &lt; 0</c> and the net count <paramref name="net"/> is positive (<c>V += V_th</c>, in either reset
    /// mode). Updates <paramref name="v"/> and <paramref name="net"/>; returns the spike: +1, −1 or 0.
    /// </summary>
    public static int SignedStep(ref float v, ref float net, float current, float threshold, ResetMode reset, float resetTo)
    {
        float potential = v + current;
        int spike = potential >= threshold ? 1 : potential < 0f && net > 0f ? -1 : 0;
        v = spike == 1 ? (reset == ResetMode.Soft ? potential - threshold : resetTo) : spike == -1 ? potential + threshold : potential;
        net += spike;
        return spike;
    }

    /// <summary>
    /// One step of the burst neuron with at most <paramref name="maxBurst"/> (Γ) spikes per step: updates <paramref name="v"/>
    /// and returns the number of spikes k (0 when <c>V &lt; V_th</c>). The soft reset subtracts the output amplitude
    /// <c>k·V_th</c> as rounded to float, so the membrane loses exactly what the next layer receives.
    /// </summary>
    public static int BurstStep(ref float v, float current, float threshold, int maxBurst, ResetMode reset, float resetTo)
    {
        float potential = v + current;
        if (!(potential >= threshold)) { v = potential; return 0; }
        float spikes = Math.Clamp(MathF.Floor(potential / threshold), 1f, maxBurst);
        v = reset == ResetMode.Soft ? potential - spikes * threshold : resetTo;
        return (int)spikes;
    }

    /// <summary>One burst step for a tensor of neurons: updates <paramref name="v"/> in place; returns the spike counts k (0 … Γ).</summary>
    public static Tensor BurstStep(Tensor v, Tensor current, float threshold, int maxBurst, ResetMode reset, float resetTo)
    {
        using var scope = NewDisposeScope();
        using Scalar vth = threshold, to = resetTo, one = 1, most = maxBurst;   // held: see HeldScalars
        var potential = v.add(current, HeldScalars.One);
        var fires = potential.ge(vth);
        var spikes = where(fires, potential.div(vth).floor_().clamp_(one, most), zeros_like(potential));
        v.copy_(reset == ResetMode.Soft ? potential.sub(spikes.mul(vth)) : where(fires, full_like(potential, to), potential));
        return spikes.MoveToOuterDisposeScope();
    }

    /// <summary>One signed step for a tensor of neurons: updates <paramref name="v"/> and <paramref name="net"/> in place; returns the spikes (−1, 0 or 1).</summary>
    public static Tensor SignedStep(Tensor v, Tensor net, Tensor current, float threshold, ResetMode reset, float resetTo)
    {
        using var scope = NewDisposeScope();
        using Scalar vth = threshold, to = resetTo;   // held: see HeldScalars
        var potential = v.add(current, HeldScalars.One);
        var fires = potential.ge(vth);
        var undoes = potential.lt(HeldScalars.Zero).logical_and(net.gt(HeldScalars.Zero));
        var afterFiring = reset == ResetMode.Soft ? potential.sub(vth) : full_like(potential, to);
        v.copy_(where(fires, afterFiring, where(undoes, potential.add(vth), potential)));
        var spikes = fires.to_type(v.dtype).sub(undoes.to_type(v.dtype));
        net.add_(spikes, HeldScalars.One);
        return spikes.MoveToOuterDisposeScope();
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
