using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>Concatenates two or more inputs along the channel dimension (dim 1).</summary>
public sealed class ConcatNode(string name) : GraphNode(name)
{
    /// <inheritdoc/>
    public override string Op => "Concat";
    /// <inheritdoc/>
    public override int Arity => -1;
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => cat(inputs.ToArray(), 1);
}
