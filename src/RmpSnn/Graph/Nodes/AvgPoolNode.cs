using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RmpSnn.Graph;

/// <summary>
/// 2-D average pooling (zero padding counted in the divisor unless <see cref="CountIncludePad"/> is off, as in
/// <c>nn.AvgPool2d</c>); linear, so it is kept in the SNN.
/// </summary>
public sealed class AvgPoolNode(string name, long[] kernel, long[] stride, long[] padding, bool ceilMode = false, bool countIncludePad = true)
    : GraphNode(name)
{
    /// <summary>Window size (height, width).</summary>
    public long[] Kernel { get; } = kernel;
    /// <summary>Stride (height, width).</summary>
    public long[] Stride { get; } = stride;
    /// <summary>Zero padding (height, width).</summary>
    public long[] Padding { get; } = padding;
    /// <summary>Whether partial windows at the end make an output.</summary>
    public bool CeilMode { get; } = ceilMode;
    /// <summary>Whether padded zeros count in the divisor.</summary>
    public bool CountIncludePad { get; } = countIncludePad;

    /// <inheritdoc/>
    public override string Op => "AvgPool";
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => F.avg_pool2d(inputs[0], Kernel, Stride, Padding, CeilMode, CountIncludePad);
}
