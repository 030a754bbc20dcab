using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>The rectifier <c>max(x, 0)</c>: what an IF layer approximates by its firing rate.</summary>
public sealed class ReluNode(string name) : ModuleNode<TorchSharp.Modules.ReLU>(name, nn.ReLU())
{
    /// <inheritdoc/>
    public override string Op => "ReLU";
}
