using RmpSnn.Graph;

namespace RmpSnn.Conversion.Passes;

/// <summary>Replaces every trainable conv and linear node by one holding detached copies of its weights: the SNN copies the ANN's weights.</summary>
internal static class FreezeWeights
{
    public static void Apply(GraphBuilder graph)
    {
        foreach (var node in graph.Nodes.Where(n => n.Module is not null).ToArray())
        {
            GraphNode? frozen = node switch
            {
                Conv2dNode c => new Conv2dNode(c.Name, c.Weight.detach().clone(), c.Bias?.detach().clone(),
                    c.Stride, c.Padding, c.Dilation, c.Groups),
                LinearNode l => new LinearNode(l.Name, l.Weight.detach().clone(), l.Bias?.detach().clone()),
                _ => null,
            };
            if (frozen is not null) graph.Replace(node.Name, frozen, [.. graph.InputsOf(node.Name)]);
        }
    }
}
