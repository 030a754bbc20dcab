namespace RmpSnn.Snn;

/// <summary>
/// What a simulation computes: how many steps of which input. With the network and the images it fixes every number:
/// Poisson spikes are seeded per image and step, so batch size, chunking, memory budget and shards do not change them.
/// </summary>
/// <param name="Steps">Time-steps T simulated for every sample (the accuracy curve covers t = 1…T).</param>
/// <param name="Encoding">Input coding.</param>
/// <param name="Seed">Seed of the Poisson spikes (the same seed gives every network and every batching the same spikes).</param>
/// <param name="RecordStatistics">Record per-layer spike counts and synaptic operations.</param>
public sealed record SimulationOptions(int Steps, InputCoding Encoding = InputCoding.Poisson, int Seed = 0, bool RecordStatistics = true)
{
    /// <summary>Checks ranges; throws <see cref="RmpSnnException"/> naming the option.</summary>
    public SimulationOptions Validate()
    {
        if (Steps <= 0) throw new RmpSnnException($"--steps {Steps}: expected a positive number of time-steps");
        return this;
    }
}
