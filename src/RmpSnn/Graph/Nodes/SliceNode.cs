using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>Strided subsampling <c>x[:, :, start::step, start::step]</c> of the two spatial dimensions (option-A shortcuts).</summary>
public sealed class SliceNode(string name, long step, long start = 0) : GraphNode(name)
{
    /// <summary>Step along height and width.</summary>
    public long Step { get; } = step;
    /// <summary>First row and column kept.</summary>
    public long Start { get; } = start;

    /// <inheritdoc/>
    public override string Op => "Slice";
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) =>
        inputs[0][.., .., TensorIndex.Slice(Start, null, Step), TensorIndex.Slice(Start, null, Step)];
}
