using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>Passes its input on unchanged (an alias); removed by conversion.</summary>
public sealed class IdentityNode(string name) : GraphNode(name)
{
    /// <inheritdoc/>
    public override string Op => "Identity";
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => inputs[0].alias();
}
