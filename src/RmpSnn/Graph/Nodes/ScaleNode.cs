using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>Multiplication by a constant; linear, so it is kept in the SNN.</summary>
public sealed class ScaleNode(string name, double factor) : GraphNode(name)
{
    readonly Scalar _factor = factor;   // held: see HeldScalars

    /// <summary>The constant factor.</summary>
    public double Factor { get; } = factor;

    /// <inheritdoc/>
    public override string Op => "Scale";
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => inputs[0].mul(_factor);
}
