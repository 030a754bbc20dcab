using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>
/// Strided slices <c>x[…, start:end:step, …]</c> of some non-batch dimensions, e.g. the option-A shortcut's spatial
/// subsampling <c>x[:, :, ::2, ::2]</c> (axes 2 and 3, starts 0, to the end, steps 2).
/// </summary>
public sealed class SliceNode : GraphNode
{
    /// <summary>
    /// A slice of each of <paramref name="axes"/> (never 0, the batch) from its start to its end (exclusive, null: to the
    /// end) by its step (positive).
    /// </summary>
    public SliceNode(string name, long[] axes, long[] starts, long?[] ends, long[] steps) : base(name)
    {
        if (axes.Length != starts.Length || axes.Length != ends.Length || axes.Length != steps.Length || axes.Contains(0) || steps.Any(s => s <= 0))
            throw new RmpSnnException($"{name} (Slice): expected one start, end and positive step per non-batch axis");
        (Axes, Starts, Ends, Steps) = (axes, starts, ends, steps);
    }

    /// <summary>The option-A subsampling <c>x[:, :, ::step, ::step]</c>.</summary>
    public SliceNode(string name, long step) : this(name, [2, 3], [0, 0], [null, null], [step, step]) { }

    /// <summary>Sliced dimensions.</summary>
    public long[] Axes { get; }
    /// <summary>First index kept, per axis.</summary>
    public long[] Starts { get; }
    /// <summary>End (exclusive) per axis; null runs to the end.</summary>
    public long?[] Ends { get; }
    /// <summary>Step per axis.</summary>
    public long[] Steps { get; }

    /// <inheritdoc/>
    public override string Op => "Slice";

    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs)
    {
        var x = inputs[0];
        var index = Enumerable.Range(0, (int)x.dim()).Select(_ => TensorIndex.Colon).ToArray();
        for (int i = 0; i < Axes.Length; i++) index[Axes[i]] = TensorIndex.Slice(Starts[i], Ends[i], Steps[i]);
        return x[index];
    }
}
