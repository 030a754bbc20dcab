namespace RmpSnn.Graph;

/// <summary>One node as stored in a model file: name, operation, operand names and numeric attributes (see <see cref="NodeCodec"/>).</summary>
/// <param name="Name">The node's name.</param>
/// <param name="Op">Its <see cref="GraphNode.Op"/>.</param>
/// <param name="Inputs">Operand names, in order.</param>
/// <param name="Attributes">The operation's settings, each a list of numbers (booleans as 0/1); null for none.</param>
public sealed record NodeDescription(string Name, string Op, string[] Inputs, IReadOnlyDictionary<string, double[]>? Attributes = null);

/// <summary>
/// A network graph without its weights, as the JSON header of a model file stores it: every node with its operation and
/// settings, plus the output's name. <see cref="Build"/> makes fresh nodes (and modules) that the stored weights then fill.
/// </summary>
/// <param name="Nodes">The nodes in topological order.</param>
/// <param name="Output">The output node's name.</param>
public sealed record GraphDescription(IReadOnlyList<NodeDescription> Nodes, string Output)
{
    /// <summary>Describes <paramref name="graph"/>; fails for nodes that exist only in converted graphs.</summary>
    public static GraphDescription Of(NetworkGraph graph) =>
        new(graph.Nodes.Select(n => NodeCodec.Describe(n, graph.InputsOf(n).Select(i => i.Name).ToArray())).ToArray(), graph.Output.Name);

    /// <summary>Rebuilds the graph with freshly initialised modules.</summary>
    /// <exception cref="RmpSnnException">An unknown operation, a missing or malformed attribute, or a broken graph (named).</exception>
    public NetworkGraph Build()
    {
        var builder = new GraphBuilder();
        foreach (var node in Nodes ?? throw new RmpSnnException("graph: no nodes")) builder.Add(NodeCodec.Create(node), node.Inputs ?? []);
        return builder.SetOutput(Output ?? throw new RmpSnnException("graph: no output")).Build();
    }
}
