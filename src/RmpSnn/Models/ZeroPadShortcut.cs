using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Models;

/// <summary>
/// The parameter-free "option A" shortcut of the CIFAR ResNets: spatial subsampling <c>x[:, :, ::s, ::s]</c>, then
/// <see cref="PadChannels"/> zero channels on each side. Linear, so it converts unchanged to the SNN.
/// </summary>
public sealed class ZeroPadShortcut(int stride, int padChannels) : nn.Module<Tensor, Tensor>(nameof(ZeroPadShortcut))
{
    /// <summary>Spatial stride of the subsampling.</summary>
    public int Stride { get; } = stride;
    /// <summary>Zero channels added before and after the input channels.</summary>
    public int PadChannels { get; } = padChannels;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var sub = input[.., .., TensorIndex.Slice(null, null, Stride), TensorIndex.Slice(null, null, Stride)];
        return nn.functional.pad(sub, new long[] { 0, 0, 0, 0, PadChannels, PadChannels }).MoveToOuterDisposeScope();
    }
}
