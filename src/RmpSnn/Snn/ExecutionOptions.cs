namespace RmpSnn.Snn;

/// <summary>
/// How a simulation runs: batching, chunking, memory and engine. Only the batch size changes results (it groups the
/// Poisson draws); the engines agree as documented.
/// </summary>
/// <param name="BatchSize">Samples simulated together.</param>
/// <param name="ChunkSteps">Steps processed layer by layer in one pass (K); 1 is the plain per-step loop, the fastest
/// on CPU (docs/PERFORMANCE.md). Memory grows with K × batch.</param>
/// <param name="MaxMemoryMegabytes">Memory budget: batch and chunk are reduced until the estimated working set fits
/// (<see cref="MemoryBudget"/>); null for none.</param>
/// <param name="Engine">Reference LibTorch loop, dense with fused CPU kernels (default), or event-driven convolutions;
/// the networks must be compiled for it.</param>
/// <param name="CacheConstantInput">With direct input, run the stages that depend on the input alone once per batch
/// instead of every step (same result).</param>
public sealed record ExecutionOptions(
    int BatchSize = 100,
    int ChunkSteps = 1,
    double? MaxMemoryMegabytes = null,
    SimulationEngine Engine = SimulationEngine.Dense,
    bool CacheConstantInput = true)
{
    /// <summary>Checks ranges; throws <see cref="RmpSnnException"/> naming the option.</summary>
    public ExecutionOptions Validate()
    {
        if (BatchSize <= 0) throw new RmpSnnException($"--batch {BatchSize}: expected a positive batch size");
        if (ChunkSteps <= 0) throw new RmpSnnException($"--chunk {ChunkSteps}: expected a positive number of steps per chunk");
        return this;
    }
}
