namespace RmpSnn.Snn;

/// <summary>Integrate-and-fire dynamics shared by every neuron layer of a converted network.</summary>
/// <param name="Reset">Hard (V → V_reset) or soft / RMP (V → V − V_th).</param>
/// <param name="ResetPotential">Hard-reset target, as a fraction of V_th (0 = reset to zero).</param>
/// <param name="InitialPotential">Membrane potential at t = 0, as a fraction of V_th (0 by default; 0.5 halves quantisation error).</param>
/// <param name="Signed">
/// Signed neurons with memory (<see cref="IntegrateAndFire.SignedStep(ref float, ref float, float, float, ResetMode, float)"/>):
/// a negative spike takes back an earlier one when the membrane falls below 0. An extension beyond the paper's IF neuron.
/// </param>
/// <param name="MaxBurst">
/// Γ, the most spikes a neuron emits in one step (<see cref="IntegrateAndFire.BurstStep(ref float, float, float, int, ResetMode, float)"/>):
/// 1 is the paper's IF neuron, more are burst neurons, an extension beyond the paper.
/// </param>
public sealed record NeuronOptions(ResetMode Reset, float ResetPotential = 0f, float InitialPotential = 0f, bool Signed = false, int MaxBurst = 1)
{
    /// <summary>True for burst neurons (Γ &gt; 1).</summary>
    public bool Bursts => MaxBurst > 1;

    /// <summary>The neuron's name in reports and files: <c>if</c>, <c>signed</c> or <c>burst-Γ</c>.</summary>
    public string Kind => KindOf(Signed, MaxBurst);

    /// <summary>The name <see cref="Kind"/> gives neurons with these settings.</summary>
    public static string KindOf(bool signed, int maxBurst) => signed ? "signed" : maxBurst > 1 ? $"burst-{maxBurst}" : "if";

    /// <summary>Checks the option ranges; throws <see cref="RmpSnnException"/> naming the option.</summary>
    public NeuronOptions Validate()
    {
        if (!(ResetPotential is >= 0f and < 1f))
            throw new RmpSnnException($"--reset-potential {ResetPotential}: expected a fraction of V_th in [0, 1)");
        if (!(InitialPotential is >= 0f and < 1f))
            throw new RmpSnnException($"--initial-potential {InitialPotential}: expected a fraction of V_th in [0, 1)");
        if (MaxBurst < 1) throw new RmpSnnException($"--max-burst {MaxBurst}: expected at least 1 spike per step");
        if (Signed && Bursts) throw new RmpSnnException("--neuron signed with --max-burst above 1: burst spikes are for IF neurons (--neuron burst)");
        return this;
    }
}
