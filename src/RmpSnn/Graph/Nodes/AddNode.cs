using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>The element-wise sum of two same-shaped inputs (a residual junction); linear, so currents add in the SNN.</summary>
public sealed class AddNode(string name) : GraphNode(name)
{
    /// <inheritdoc/>
    public override string Op => "Add";
    /// <inheritdoc/>
    public override int Arity => 2;
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => inputs[0].add(inputs[1], HeldScalars.One);
}
