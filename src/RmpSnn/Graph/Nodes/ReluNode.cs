using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>The rectifier <c>max(x, 0)</c>: what an IF layer approximates by its firing rate.</summary>
public sealed class ReluNode(string name) : GraphNode(name)
{
    readonly TorchSharp.Modules.ReLU _module = nn.ReLU();

    /// <inheritdoc/>
    public override string Op => "ReLU";
    /// <inheritdoc/>
    public override TorchSharp.torch.nn.Module? Module => _module;
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => _module.call(inputs[0]);
}
