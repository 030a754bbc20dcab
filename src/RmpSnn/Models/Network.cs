using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Models;

/// <summary>
/// A feed-forward network given as an ordered list of layers (TorchSharp modules and <see cref="ResidualBlock"/>s).
/// The list is the structure the ANN→SNN converter walks; <c>forward</c> applies the layers in order.
/// </summary>
public sealed class Network : nn.Module<Tensor, Tensor>
{
    readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> layers;

    /// <summary>Creates a network from its spec and layers (registered as <c>layers.0</c>, <c>layers.1</c>, …).</summary>
    public Network(ModelSpec spec, IEnumerable<nn.Module<Tensor, Tensor>> layers) : base(spec.Arch)
    {
        Spec = spec;
        Layers = layers.ToArray();
        this.layers = nn.ModuleList(Layers.ToArray());
        RegisterComponents();
    }

    /// <summary>The architecture and options this network was built from.</summary>
    public ModelSpec Spec { get; }

    /// <summary>Layers in execution order.</summary>
    public IReadOnlyList<nn.Module<Tensor, Tensor>> Layers { get; }

    public override Tensor forward(Tensor input)
    {
        Tensor x = input;
        foreach (var layer in Layers)
        {
            var next = layer.call(x);
            if (!ReferenceEquals(x, input)) x.Dispose();
            x = next;
        }
        return ReferenceEquals(x, input) ? x.alias() : x;
    }
}
