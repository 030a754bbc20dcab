using RmpSnn.Graph;

namespace RmpSnn.Conversion.Passes;

/// <summary>
/// Folds every BatchNorm into the conv or linear node it follows (<see cref="BatchNormFolding"/>), which must feed
/// nothing else; a BatchNorm anywhere else has no SNN equivalent and is reported by name.
/// </summary>
internal static class FoldBatchNorm
{
    public static void Apply(GraphBuilder graph)
    {
        foreach (var norm in graph.Nodes.OfType<BatchNormNode>().ToArray())
        {
            string source = graph.InputsOf(norm.Name)[0];
            var layer = graph[source];
            if (layer is not (Conv2dNode or LinearNode) || graph.ConsumersOf(source).Count != 1)
                throw new RmpSnnException($"{norm}: BatchNorm must directly follow a Conv2d or Linear layer that feeds nothing else, " +
                    $"to be folded into it; it follows {layer}");
            var inputs = graph.InputsOf(source).ToArray();
            GraphNode folded = layer switch
            {
                Conv2dNode c => Fold(c, norm),
                LinearNode l => Fold(l, norm),
                _ => throw new InvalidOperationException(),
            };
            graph.Replace(source, folded, inputs);
            graph.Bypass(norm.Name);
        }
    }

    static Conv2dNode Fold(Conv2dNode conv, BatchNormNode norm)
    {
        var (weight, bias) = BatchNormFolding.Fold(conv.Weight, conv.Bias, norm.Norm);
        return new Conv2dNode(conv.Name, weight, bias, conv.Stride, conv.Padding, conv.Dilation, conv.Groups);
    }

    static LinearNode Fold(LinearNode linear, BatchNormNode norm)
    {
        var (weight, bias) = BatchNormFolding.Fold(linear.Weight, linear.Bias, norm.Norm);
        return new LinearNode(linear.Name, weight, bias);
    }
}
