using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RmpSnn.Graph;

/// <summary>
/// Zero padding in <c>F.pad</c> order (last dimension first: left, right, top, bottom, channels before, channels after);
/// the option-A ResNet shortcut pads channels this way.
/// </summary>
public sealed class PadNode(string name, long[] pads) : GraphNode(name)
{
    /// <summary>Pad widths, last dimension first.</summary>
    public long[] Pads { get; } = pads;

    /// <inheritdoc/>
    public override string Op => "Pad";
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => F.pad(inputs[0], Pads);
}
