namespace RmpSnn.Snn;

/// <summary>What an integrate-and-fire neuron does to its membrane potential after a spike.</summary>
public enum ResetMode
{
    /// <summary>Reset to the reset potential (0 by default): the charge above threshold is lost.</summary>
    Hard,
    /// <summary>Residual membrane potential (RMP): subtract the threshold, keeping the charge above it.</summary>
    Soft,
}
