using RmpSnn.Conversion.Passes;
using RmpSnn.Graph;
using RmpSnn.Models;
using static TorchSharp.torch;

namespace RmpSnn.Conversion;

/// <summary>
/// Runs an ANN and collects the output of every activation (ReLU, QCFS, clip) by node name: the IF layer that converts
/// it has the same name. Max-pooling runs as the converted network will: as max-pooling for <see cref="MaxPoolMode.Gate"/>,
/// as average pooling for <see cref="MaxPoolMode.Average"/>.
/// </summary>
public static class ActivationProbe
{
    /// <summary>Returns each activation's output (<c>[B, …]</c>) by node name, and the network output.</summary>
    public static (Dictionary<string, Tensor> Activations, Tensor Output) Collect(Network ann, Tensor input, MaxPoolMode maxPool = MaxPoolMode.Gate)
    {
        var graph = ann.Graph;
        var activations = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var output = graph.Evaluate(input, (i, operands) =>
        {
            var node = graph.Nodes[i];
            var value = node is MaxPoolNode pool && maxPool == MaxPoolMode.Average
                ? ReplaceMaxPool.Average(pool).Forward(operands)
                : node.Forward(operands);
            if (IsActivation(node)) activations[node.Name] = value;
            return value;
        });
        return (activations, output);
    }

    /// <summary>The activation nodes of <paramref name="ann"/> in topological order.</summary>
    public static IEnumerable<GraphNode> Activations(Network ann) => ann.Graph.Nodes.Where(IsActivation);

    static bool IsActivation(GraphNode node) => node is ReluNode or QcfsNode or ClipNode;
}
