using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>A clipped rectifier <c>clamp(x, Min, Max)</c> (ReLU6 is Min = 0, Max = 6); converts to an IF layer when Min is 0.</summary>
public sealed class ClipNode(string name, double min, double max) : GraphNode(name)
{
    readonly Scalar _min = min, _max = max;   // held for the node's lifetime: see HeldScalars

    /// <summary>Lower bound.</summary>
    public double Min { get; } = min;
    /// <summary>Upper bound.</summary>
    public double Max { get; } = max;

    /// <inheritdoc/>
    public override string Op => "Clip";
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => inputs[0].clamp(_min, _max);
}
