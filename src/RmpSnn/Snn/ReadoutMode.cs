namespace RmpSnn.Snn;

/// <summary>How the output layer turns its input currents into a class prediction.</summary>
public enum ReadoutMode
{
    /// <summary>The output layer integrates without spiking; the class with the largest membrane potential wins.</summary>
    Potential,
    /// <summary>The output layer is an IF layer; the class with the most spikes wins (ties go to the lower index).</summary>
    Spikes,
}
