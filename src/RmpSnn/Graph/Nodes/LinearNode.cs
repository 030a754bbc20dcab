using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RmpSnn.Graph;

/// <summary>A fully-connected layer <c>y = x·Wᵀ + b</c>: a trainable <see cref="Linear"/> in an ANN, detached tensors after conversion.</summary>
public sealed class LinearNode : GraphNode
{
    readonly Linear? _module;
    readonly Tensor? _weight, _bias;

    /// <summary>A trainable layer owned by <paramref name="module"/>.</summary>
    public LinearNode(string name, Linear module) : base(name) => _module = module;

    /// <summary>A fixed layer with the given tensors (taken over: detached from any dispose scope).</summary>
    public LinearNode(string name, Tensor weight, Tensor? bias) : base(name)
    {
        _weight = weight.DetachFromDisposeScope();
        _bias = bias?.DetachFromDisposeScope();
    }

    /// <summary>Weights <c>[out, in]</c>.</summary>
    public Tensor Weight => _module?.weight ?? _weight!;
    /// <summary>Bias <c>[out]</c>, or null.</summary>
    public Tensor? Bias => _module is null ? _bias : _module.bias;

    /// <inheritdoc/>
    public override string Op => "Linear";
    /// <inheritdoc/>
    public override TorchSharp.torch.nn.Module? Module => _module;

    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) =>
        _module is not null ? _module.call(inputs[0]) : F.linear(inputs[0], _weight!, _bias);
}
