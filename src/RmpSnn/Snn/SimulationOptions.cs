namespace RmpSnn.Snn;

/// <summary>How a simulation runs.</summary>
/// <param name="Steps">Time-steps T simulated for every sample (the accuracy curve covers t = 1…T).</param>
/// <param name="Encoding">Input coding.</param>
/// <param name="BatchSize">Samples simulated together.</param>
/// <param name="ChunkSteps">Steps processed layer by layer in one pass (K); 1 is the plain per-step loop, the fastest on CPU (docs/PERFORMANCE.md). Memory grows with K × batch.</param>
/// <param name="Seed">Seed of the Poisson spike generator (the same seed gives the same spikes for every network).</param>
/// <param name="RecordStatistics">Record per-layer spike counts and synaptic operations.</param>
/// <param name="MaxMemoryMegabytes">Memory budget: batch and chunk are reduced until the estimated working set fits (<see cref="MemoryBudget"/>); null for none.</param>
/// <param name="Engine">Reference LibTorch loop, dense with fused CPU kernels (default), or event-driven convolutions.</param>
/// <param name="CacheConstantInput">With direct input, run the stages before the first neuron layer once per batch instead of every step (same result).</param>
public sealed record SimulationOptions(
    int Steps,
    InputCoding Encoding = InputCoding.Poisson,
    int BatchSize = 100,
    int ChunkSteps = 1,
    int Seed = 0,
    bool RecordStatistics = true,
    double? MaxMemoryMegabytes = null,
    bool CacheConstantInput = true,
    SimulationEngine Engine = SimulationEngine.Dense)
{
    /// <summary>Checks ranges; throws <see cref="RmpSnnException"/> naming the option.</summary>
    public SimulationOptions Validate()
    {
        if (Steps <= 0) throw new RmpSnnException($"--steps {Steps}: expected a positive number of time-steps");
        if (BatchSize <= 0) throw new RmpSnnException($"--batch {BatchSize}: expected a positive batch size");
        if (ChunkSteps <= 0) throw new RmpSnnException($"--chunk {ChunkSteps}: expected a positive number of steps per chunk");
        return this;
    }
}
