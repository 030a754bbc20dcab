using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RmpSnn.Graph;

/// <summary>
/// A 2-D convolution (stride, zero padding, dilation, groups). In an ANN it wraps a trainable <see cref="Conv2d"/>; after
/// conversion it holds detached tensors, and the first layer may carry a <see cref="BiasMap"/>: the constant current
/// <c>[1, C_out, H, W]</c> that folding the input normalisation leaves, exact at the zero-padded borders.
/// </summary>
public sealed class Conv2dNode : GraphNode
{
    readonly Conv2d? _module;
    readonly Tensor? _weight, _bias;

    /// <summary>A trainable convolution owned by <paramref name="module"/> (zero padding only).</summary>
    public Conv2dNode(string name, Conv2d module) : base(name)
    {
        if (module.padding_mode != TorchSharp.PaddingModes.Zeros)
            throw new RmpSnnException($"{name} (Conv2d): padding mode {module.padding_mode} is not supported; use zero padding");
        _module = module;
        Stride = module.stride!;
        Padding = module.padding!;
        Dilation = module.dilation!;
        Groups = module.groups;
    }

    /// <summary>A fixed convolution with the given tensors (taken over: detached from any dispose scope).</summary>
    public Conv2dNode(string name, Tensor weight, Tensor? bias, long[] stride, long[] padding, long[] dilation, long groups, Tensor? biasMap = null)
        : base(name)
    {
        _weight = weight.DetachFromDisposeScope();
        _bias = bias?.DetachFromDisposeScope();
        BiasMap = biasMap?.DetachFromDisposeScope();
        (Stride, Padding, Dilation, Groups) = (stride, padding, dilation, groups);
    }

    /// <summary>Weights <c>[C_out, C_in / groups, k_h, k_w]</c>.</summary>
    public Tensor Weight => _module?.weight ?? _weight!;
    /// <summary>Per-channel bias <c>[C_out]</c>, or null.</summary>
    public Tensor? Bias => _module is null ? _bias : _module.bias;
    /// <summary>Constant current added to the output <c>[1, C_out, H_out, W_out]</c> instead of <see cref="Bias"/>, or null.</summary>
    public Tensor? BiasMap { get; }
    /// <summary>Stride (height, width).</summary>
    public long[] Stride { get; }
    /// <summary>Zero padding (height, width).</summary>
    public long[] Padding { get; }
    /// <summary>Dilation (height, width).</summary>
    public long[] Dilation { get; }
    /// <summary>Groups (C_in for a depthwise convolution).</summary>
    public long Groups { get; }

    /// <inheritdoc/>
    public override string Op => "Conv2d";
    /// <inheritdoc/>
    public override TorchSharp.torch.nn.Module? Module => _module;

    /// <summary>The convolution with weights <paramref name="weight"/> and no bias.</summary>
    public Tensor Apply(Tensor input, Tensor weight) => F.conv2d(input, weight, null, Stride, Padding, Dilation, Groups);

    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs)
    {
        if (_module is not null) return _module.call(inputs[0]);
        var output = Apply(inputs[0], _weight!);
        if (BiasMap is not null) return output.add_(BiasMap, HeldScalars.One);
        if (_bias is null) return output;
        using var perChannel = _bias.view(1, -1, 1, 1);
        return output.add_(perChannel, HeldScalars.One);
    }
}
