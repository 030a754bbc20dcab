using TorchSharp.Modules;

namespace RmpSnn.Graph;

/// <summary>
/// Batch normalisation (<see cref="BatchNorm2d"/> or <see cref="BatchNorm1d"/>); conversion folds it into the conv or
/// linear layer before it.
/// </summary>
public sealed class BatchNormNode(string name, BatchNorm module) : ModuleNode<BatchNorm>(name, module)
{
    /// <summary>The module holding γ, β and the running statistics.</summary>
    public BatchNorm Norm => Wrapped;

    /// <inheritdoc/>
    public override string Op => "BatchNorm";
}
