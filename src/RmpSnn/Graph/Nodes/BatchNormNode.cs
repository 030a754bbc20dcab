using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>Batch normalisation (<see cref="BatchNorm2d"/> or <see cref="BatchNorm1d"/>); conversion folds it into the conv or linear layer before it.</summary>
public sealed class BatchNormNode(string name, BatchNorm module) : GraphNode(name)
{
    /// <summary>The module holding γ, β and the running statistics.</summary>
    public BatchNorm Norm { get; } = module;

    /// <inheritdoc/>
    public override string Op => "BatchNorm";
    /// <inheritdoc/>
    public override TorchSharp.torch.nn.Module? Module => Norm;
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => Norm.call(inputs[0]);
}
