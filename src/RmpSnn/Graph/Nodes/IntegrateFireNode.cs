using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>
/// A layer of integrate-and-fire neurons in a converted graph, named after the activation it replaces. With two operands
/// it is a residual junction: the neurons integrate the sum of both currents (the Add before the ReLU). Run as an ANN
/// it computes <see cref="Activation"/> of that sum, which is what its firing rate × V_th approximates.
/// </summary>
public sealed class IntegrateFireNode(GraphNode activation, int operands = 1) : GraphNode(activation.Name)
{
    /// <summary>The ANN activation (ReLU, QCFS or clip) this layer converts.</summary>
    public GraphNode Activation { get; } = activation;

    /// <inheritdoc/>
    public override string Op => "IF";
    /// <inheritdoc/>
    public override int Arity => operands;

    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count == 1) return Activation.Forward(inputs);
        using var sum = inputs[0].add(inputs[1], HeldScalars.One);
        return Activation.Forward([sum]);
    }
}
