using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>Dropout with probability <see cref="Probability"/> while training; identity at inference, removed by conversion.</summary>
public sealed class DropoutNode(string name, double probability) : GraphNode(name)
{
    readonly TorchSharp.Modules.Dropout _module = nn.Dropout(probability);

    /// <summary>The drop probability.</summary>
    public double Probability { get; } = probability;

    /// <inheritdoc/>
    public override string Op => "Dropout";
    /// <inheritdoc/>
    public override TorchSharp.torch.nn.Module? Module => _module;
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => _module.call(inputs[0]);
}
