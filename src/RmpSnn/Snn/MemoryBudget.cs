namespace RmpSnn.Snn;

/// <summary>
/// Chooses batch size and chunk length so a simulation's estimated working set stays under a memory budget. Within a
/// chunk every stage's output stays alive until the chunk ends, so the estimate is all neuron layers' activations for
/// <c>K·B</c> samples × <see cref="ActivationCopies"/> (currents, spikes, temporaries), plus every network's membrane
/// potentials for <c>B</c> samples, in float32. The runtime's own baseline (LibTorch and .NET, ~300 MB) comes on top.
/// </summary>
public static class MemoryBudget
{
    /// <summary>
    /// Bytes held per neuron per chunk sample, in float32 values: peak RSS growth over K·B × neurons, measured
    /// 4.8–7.0 with <c>rmpsnn bench</c> on ResNet-20 (docs/PERFORMANCE.md).
    /// </summary>
    public const double ActivationCopies = 7;

    const double BytesPerValue = sizeof(float), Megabyte = 1 << 20;

    /// <summary>Estimated working set in MB for <paramref name="batch"/> samples and chunks of <paramref name="chunk"/> steps.</summary>
    public static double EstimateMegabytes(IReadOnlyList<SpikingNetwork> networks, int batch, int chunk)
    {
        double activations = networks.Max(n => n.Spec.InChannels * n.Spec.ImageSize * n.Spec.ImageSize
            + n.Neurons.Sum(l => (double)l.NeuronsPerSample));
        double membranes = networks.Sum(n => n.Neurons.Sum(l => (double)l.NeuronsPerSample));
        return ((double)chunk * batch * activations * ActivationCopies + batch * membranes) * BytesPerValue / Megabyte;
    }

    /// <summary>
    /// Bytes of the per-step records of a run of <paramref name="steps"/> steps: for every network, correct counts, and
    /// spike and SOP counts of every layer when <paramref name="statistics"/> are recorded (8 bytes per value).
    /// </summary>
    public static double RecordBytes(IReadOnlyList<SpikingNetwork> networks, long steps, bool statistics) =>
        8.0 * steps * networks.Sum(n => 1 + (statistics ? n.Neurons.Count + n.WeightedLayers.Count : 0));

    /// <summary>
    /// Throws a one-line <see cref="RmpSnnException"/> when the per-step records of <paramref name="steps"/> steps would not
    /// fit in half of the memory available to the process, saying how many steps would.
    /// </summary>
    public static void CheckSteps(IReadOnlyList<SpikingNetwork> networks, int steps, bool statistics)
    {
        double available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2.0, needed = RecordBytes(networks, steps, statistics);
        if (needed > available)
            throw new RmpSnnException($"--steps {steps}: the per-step accuracy and spike records alone need {needed / (1 << 30):0.#} GB, " +
                $"more than half the {2 * available / (1 << 30):0.#} GB available; at most {(long)(available / RecordBytes(networks, 1, statistics))} " +
                "steps fit");
    }

    /// <summary>
    /// Returns <paramref name="options"/> with the chunk, then the batch, halved until the estimate fits in
    /// <paramref name="maxMegabytes"/>; throws <see cref="RmpSnnException"/> if even batch 1 with chunk 1 does not fit.
    /// </summary>
    public static ExecutionOptions Fit(IReadOnlyList<SpikingNetwork> networks, ExecutionOptions options, double maxMegabytes)
    {
        if (!(maxMegabytes > 0))
            throw new RmpSnnException($"--max-memory {maxMegabytes}: expected a positive number of MB");
        int batch = options.BatchSize, chunk = options.ChunkSteps;
        while (EstimateMegabytes(networks, batch, chunk) > maxMegabytes && (batch > 1 || chunk > 1))
        {
            if (chunk > 1) chunk = (chunk + 1) / 2;
            else batch = (batch + 1) / 2;
        }
        double needed = EstimateMegabytes(networks, batch, chunk);
        if (needed > maxMegabytes)
            throw new RmpSnnException($"--max-memory {maxMegabytes:0.###}: even batch 1 with chunk 1 needs an estimated {needed:0.###} MB");
        return options with { BatchSize = batch, ChunkSteps = chunk };
    }
}
