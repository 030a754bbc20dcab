namespace RmpSnn.Benchmarks;

/// <summary>Per-sample activation shapes of CIFAR ResNet-20 stages (channels × side × side) used as benchmark sizes.</summary>
public static class Shapes
{
    /// <summary>Batch of every micro-benchmark.</summary>
    public const int Batch = 32;

    /// <summary>Parses <c>"CxS"</c> (channels × side) into a <c>[Batch, C, S, S]</c> shape.</summary>
    public static long[] Parse(string shape)
    {
        var parts = shape.Split('x').Select(long.Parse).ToArray();
        return [Batch, parts[0], parts[1], parts[1]];
    }
}
