using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>A one-operand node whose ANN semantics are a TorchSharp module (activation, normalisation, dropout), which owns its parameters.</summary>
public abstract class ModuleNode<TModule>(string name, TModule module) : GraphNode(name) where TModule : nn.Module<Tensor, Tensor>
{
    /// <summary>The module, registered under the node's name.</summary>
    protected TModule Wrapped { get; } = module;

    /// <inheritdoc/>
    public override nn.Module? Module => Wrapped;

    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => Wrapped.call(inputs[0]);
}
