namespace RmpSnn;

/// <summary>
/// Seeds derived from a run's seed and the indices of one draw (image id, step, epoch, …) with chained SplitMix64, so a
/// draw does not depend on batch size, thread schedule or shard: the same image gets the same random numbers anywhere.
/// </summary>
public static class Seeds
{
    /// <summary>A non-negative seed for the draw at <paramref name="indices"/> of a run seeded <paramref name="seed"/>.</summary>
    public static long Derive(int seed, params ReadOnlySpan<int> indices)
    {
        ulong z = Mix((uint)seed);
        foreach (int index in indices) z = Mix(z ^ (uint)index);
        return (long)(z & long.MaxValue);
    }

    static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
