using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Models;

/// <summary>
/// A residual block <c>y = act(main(x) + shortcut(x))</c> with the activation (ReLU, or <see cref="Qcfs"/>) after the
/// addition (He et al.; the paper's constraint). <see cref="Main"/> is e.g. conv–[BN]–ReLU–conv–[BN]; <see cref="Shortcut"/> is empty for an identity
/// shortcut, or conv1×1–[BN] (projection), or a single <see cref="ZeroPadShortcut"/> (parameter-free option A).
/// </summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> main;
    readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> shortcut;
    readonly nn.Module<Tensor, Tensor> activation;

    /// <summary>Creates a block from its main path, shortcut path (empty = identity) and activation after the add (default ReLU).</summary>
    public ResidualBlock(IEnumerable<nn.Module<Tensor, Tensor>> main, IEnumerable<nn.Module<Tensor, Tensor>> shortcut,
        nn.Module<Tensor, Tensor>? activation = null)
        : base(nameof(ResidualBlock))
    {
        Main = main.ToArray();
        Shortcut = shortcut.ToArray();
        this.activation = activation ?? nn.ReLU();
        this.main = nn.ModuleList(Main.ToArray());
        this.shortcut = nn.ModuleList(Shortcut.ToArray());
        RegisterComponents();
    }

    /// <summary>The main path, applied in order.</summary>
    public IReadOnlyList<nn.Module<Tensor, Tensor>> Main { get; }
    /// <summary>The shortcut path, applied in order; empty means identity.</summary>
    public IReadOnlyList<nn.Module<Tensor, Tensor>> Shortcut { get; }
    /// <summary>The activation applied to <c>main + shortcut</c>.</summary>
    public nn.Module<Tensor, Tensor> Activation => activation;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor m = input, s = input;
        foreach (var layer in Main) m = layer.call(m);
        foreach (var layer in Shortcut) s = layer.call(s);
        return activation.call(m + s).MoveToOuterDisposeScope();
    }
}
