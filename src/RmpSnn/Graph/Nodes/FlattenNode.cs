using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>Flattens every dimension after the batch: <c>[N, …] → [N, ∏…]</c>.</summary>
public sealed class FlattenNode(string name) : GraphNode(name)
{
    /// <inheritdoc/>
    public override string Op => "Flatten";
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => inputs[0].flatten(1);
}
