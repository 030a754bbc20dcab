using RmpSnn.Graph;

namespace RmpSnn.Conversion.Passes;

/// <summary>
/// Max pooling becomes a spike-count gate (<see cref="MaxPoolMode.Gate"/>) or average pooling over the same windows
/// (<see cref="MaxPoolMode.Average"/>: padding counted like <c>nn.AvgPool2d</c>'s default, so a max-pool model becomes
/// exactly its average-pool twin; the activation probe runs the same replacement).
/// </summary>
internal static class ReplaceMaxPool
{
    public static void Apply(GraphBuilder graph, MaxPoolMode mode)
    {
        foreach (var pool in graph.Nodes.OfType<MaxPoolNode>().ToArray())
            graph.Replace(pool.Name, mode == MaxPoolMode.Gate ? new MaxPoolGateNode(pool) : Average(pool), [.. graph.InputsOf(pool.Name)]);
    }

    /// <summary>The average pooling that replaces <paramref name="pool"/>.</summary>
    public static AvgPoolNode Average(MaxPoolNode pool)
    {
        if (pool.Dilation.Any(v => v != 1))
            throw new RmpSnnException($"{pool}: dilated max-pooling has no average-pooling equivalent; use --maxpool gate");
        return new AvgPoolNode(pool.Name, pool.Kernel, pool.Stride, pool.Padding, pool.CeilMode);
    }
}
