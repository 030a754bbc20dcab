namespace RmpSnn.Snn;

/// <summary>Integrate-and-fire dynamics shared by every neuron layer of a converted network.</summary>
/// <param name="Reset">Hard (V → V_reset) or soft / RMP (V → V − V_th).</param>
/// <param name="ResetPotential">Hard-reset target, as a fraction of V_th (0 = reset to zero).</param>
/// <param name="InitialPotential">Membrane potential at t = 0, as a fraction of V_th (0 by default; 0.5 halves quantisation error).</param>
/// <param name="Signed">
/// Signed neurons with memory (<see cref="IntegrateAndFire.SignedStep(ref float, ref float, float, float, ResetMode, float)"/>):
/// a negative spike takes back an earlier one when the membrane falls below 0. An extension beyond the paper's IF neuron.
/// </param>
public sealed record NeuronOptions(ResetMode Reset, float ResetPotential = 0f, float InitialPotential = 0f, bool Signed = false)
{
    /// <summary>Checks the option ranges; throws <see cref="RmpSnnException"/> naming the option.</summary>
    public NeuronOptions Validate()
    {
        if (!(ResetPotential is >= 0f and < 1f))
            throw new RmpSnnException($"--reset-potential {ResetPotential}: expected a fraction of V_th in [0, 1)");
        if (!(InitialPotential is >= 0f and < 1f))
            throw new RmpSnnException($"--initial-potential {InitialPotential}: expected a fraction of V_th in [0, 1)");
        return this;
    }
}
