using RmpSnn.Graph;

namespace RmpSnn.Conversion.Passes;

/// <summary>Removes dropout and identity nodes (identity at inference), connecting their readers to their operand.</summary>
internal static class RemoveDropout
{
    public static void Apply(GraphBuilder graph)
    {
        foreach (var node in graph.Nodes.Where(n => n is DropoutNode or IdentityNode).ToArray()) graph.Bypass(node.Name);
    }
}
