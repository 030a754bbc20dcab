using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>Dropout with probability <see cref="Probability"/> while training; identity at inference, removed by conversion.</summary>
public sealed class DropoutNode(string name, double probability) : ModuleNode<TorchSharp.Modules.Dropout>(name, nn.Dropout(probability))
{
    /// <summary>The drop probability.</summary>
    public double Probability { get; } = probability;

    /// <inheritdoc/>
    public override string Op => "Dropout";
}
