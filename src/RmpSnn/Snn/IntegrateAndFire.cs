namespace RmpSnn.Snn;

/// <summary>
/// The integrate-and-fire rule, stated once for one neuron and one step: <c>V += I</c>; if <c>V ≥ V_th</c> the neuron
/// fires and resets, hard (<c>V = V_reset</c>, the charge above threshold is lost) or soft / RMP (<c>V −= V_th</c>, it is
/// kept). The fused kernel's scalar tail runs this function; the LibTorch loop of <see cref="IfLayer"/> and the kernel's
/// vector body perform the same float operations, and the tests hold both to it.
/// </summary>
public static class IntegrateAndFire
{
    /// <summary>Advances the membrane potential <paramref name="v"/> by one step of <paramref name="current"/>; returns whether the neuron fired.</summary>
    public static bool Step(ref float v, float current, float threshold, ResetMode reset, float resetTo)
    {
        float potential = v + current;
        bool fires = potential >= threshold;
        v = !fires ? potential : reset == ResetMode.Soft ? potential - threshold : resetTo;
        return fires;
    }
}
