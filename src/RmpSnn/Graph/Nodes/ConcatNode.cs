using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>Concatenates two or more inputs along the channel dimension (dim 1).</summary>
public sealed class ConcatNode(string name) : GraphNode(name)
{
    public override string Op => "Concat";
    public override int Arity => -1;
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => cat(inputs.ToArray(), 1);
}
