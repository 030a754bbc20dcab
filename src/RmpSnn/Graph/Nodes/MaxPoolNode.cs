using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RmpSnn.Graph;

/// <summary>2-D max pooling; conversion turns it into a spike gate or average pooling (<c>--maxpool</c>).</summary>
public sealed class MaxPoolNode(string name, long[] kernel, long[] stride, long[] padding, long[] dilation, bool ceilMode = false) : GraphNode(name)
{
    /// <summary>Window size (height, width).</summary>
    public long[] Kernel { get; } = kernel;
    /// <summary>Stride (height, width).</summary>
    public long[] Stride { get; } = stride;
    /// <summary>Padding (height, width), never selected.</summary>
    public long[] Padding { get; } = padding;
    /// <summary>Dilation (height, width).</summary>
    public long[] Dilation { get; } = dilation;
    /// <summary>Whether partial windows at the end make an output.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <inheritdoc/>
    public override string Op => "MaxPool";
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => F.max_pool2d(inputs[0], Kernel, Stride, Padding, Dilation, CeilMode);
}
