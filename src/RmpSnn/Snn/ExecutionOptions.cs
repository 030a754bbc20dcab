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
/// <param name="Workers">Parts of each batch simulated at once, each on its own thread by its own copy of the networks'
/// state, with single-threaded LibTorch operations (no synchronisation between operations: the measured 2-thread gain
/// over LibTorch's own threads is in docs/PERFORMANCE.md). Null: on the CPU, LibTorch's thread count (<c>--threads</c>), at
/// most the batch size; elsewhere 1. Like the batch size, it changes no number.</param>
public sealed record ExecutionOptions(
    int BatchSize = 100,
    int ChunkSteps = 1,
    double? MaxMemoryMegabytes = null,
    SimulationEngine Engine = SimulationEngine.Dense,
    bool CacheConstantInput = true,
    int? Workers = null)
{
    /// <summary>Checks ranges; throws <see cref="RmpSnnException"/> naming the option.</summary>
    public ExecutionOptions Validate()
    {
        if (BatchSize <= 0) throw new RmpSnnException($"--batch {BatchSize}: expected a positive batch size");
        if (ChunkSteps <= 0) throw new RmpSnnException($"--chunk {ChunkSteps}: expected a positive number of steps per chunk");
        if (Workers <= 0) throw new RmpSnnException($"workers {Workers}: expected a positive number of worker threads");
        return this;
    }
}
