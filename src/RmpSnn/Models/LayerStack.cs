using RmpSnn.Graph;

namespace RmpSnn.Models;

/// <summary>
/// Appends nodes to a graph as a chain named <c>{prefix}.0</c>, <c>{prefix}.1</c>, …: each node reads the previous one.
/// The zoo builds its networks this way, so node names (and state-dict keys) are the positions they always had.
/// </summary>
internal sealed class LayerStack(GraphBuilder graph, string prefix, string input)
{
    int _next;

    /// <summary>The graph being built.</summary>
    public GraphBuilder Graph { get; } = graph;

    /// <summary>The node the next layer reads.</summary>
    public string Last { get; private set; } = input;

    /// <summary>Appends the node <paramref name="create"/> makes for the next name; returns that name.</summary>
    public string Add(Func<string, GraphNode> create)
    {
        Last = Graph.Add(create(NextName()), Last);
        return Last;
    }

    /// <summary>Reserves the next name (for a block of nodes under it) without adding a node.</summary>
    public string NextName() => $"{prefix}.{_next++}";

    /// <summary>Continues the chain from <paramref name="node"/> (the end of a block built under a reserved name).</summary>
    public void Continue(string node) => Last = node;
}
