using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RmpSnn.Graph;

/// <summary>Global average pooling to <c>[N, C, 1, 1]</c> (<c>AdaptiveAvgPool2d(1)</c>).</summary>
public sealed class GlobalAvgPoolNode(string name) : GraphNode(name)
{
    /// <inheritdoc/>
    public override string Op => "GlobalAvgPool";
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => F.adaptive_avg_pool2d(inputs[0], [1, 1]);
}
