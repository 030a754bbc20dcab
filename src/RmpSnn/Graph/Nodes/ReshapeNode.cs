using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>Reshapes every sample to <see cref="Shape"/>: <c>[N, …] → [N, Shape…]</c>.</summary>
public sealed class ReshapeNode(string name, long[] shape) : GraphNode(name)
{
    /// <summary>The per-sample shape (one entry may be −1).</summary>
    public long[] Shape { get; } = shape;

    /// <inheritdoc/>
    public override string Op => "Reshape";
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => inputs[0].reshape([inputs[0].shape[0], .. Shape]);
}
