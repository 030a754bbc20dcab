namespace RmpSnn.Snn;

/// <summary>
/// Chooses batch size and chunk length so a simulation's estimated working set stays under a memory budget. The estimate
/// is the largest layer's activations for one chunk (<c>K·B</c> samples × <see cref="ActivationCopies"/> live copies:
/// input, output, spikes and temporaries) plus every network's membrane potentials (<c>B</c> samples), in float32.
/// </summary>
public static class MemoryBudget
{
    /// <summary>Live copies of the largest activation per chunk sample (measured with <c>rmpsnn bench</c>: peak RSS growth / activation size ≈ 4–6).</summary>
    public const double ActivationCopies = 6;

    const double BytesPerValue = sizeof(float), Megabyte = 1 << 20;

    /// <summary>Estimated working set in MB for <paramref name="batch"/> samples and chunks of <paramref name="chunk"/> steps.</summary>
    public static double EstimateMegabytes(IReadOnlyList<SpikingNetwork> networks, int batch, int chunk)
    {
        double largest = networks.Max(n => Math.Max(n.Spec.InChannels * n.Spec.ImageSize * n.Spec.ImageSize,
            n.Neurons.Max(l => (double)l.NeuronsPerSample)));
        double membranes = networks.Sum(n => n.Neurons.Sum(l => (double)l.NeuronsPerSample));
        return (largest * chunk * batch * ActivationCopies + membranes * batch) * BytesPerValue / Megabyte;
    }

    /// <summary>
    /// Returns <paramref name="options"/> with the chunk, then the batch, halved until the estimate fits in
    /// <paramref name="maxMegabytes"/>; throws <see cref="RmpSnnException"/> if even batch 1 with chunk 1 does not fit.
    /// </summary>
    public static SimulationOptions Fit(IReadOnlyList<SpikingNetwork> networks, SimulationOptions options, double maxMegabytes)
    {
        if (maxMegabytes <= 0 || double.IsNaN(maxMegabytes))
            throw new RmpSnnException($"--max-memory {maxMegabytes}: expected a positive number of MB");
        int batch = options.BatchSize, chunk = options.ChunkSteps;
        while (EstimateMegabytes(networks, batch, chunk) > maxMegabytes && (batch > 1 || chunk > 1))
        {
            if (chunk > 1) chunk = (chunk + 1) / 2;
            else batch = (batch + 1) / 2;
        }
        double needed = EstimateMegabytes(networks, batch, chunk);
        if (needed > maxMegabytes)
            throw new RmpSnnException($"--max-memory {maxMegabytes:0.#}: even batch 1 with chunk 1 needs an estimated {needed:0.#} MB");
        return options with { BatchSize = batch, ChunkSteps = chunk };
    }
}
