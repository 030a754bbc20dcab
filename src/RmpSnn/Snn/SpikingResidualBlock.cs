using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// A converted residual block: the main path and the shortcut path (identity when empty) both carry spike-amplitude
/// currents; their sum drives the <see cref="Junction"/> IF layer that replaces the ReLU after the addition.
/// </summary>
public sealed class SpikingResidualBlock(string name, IReadOnlyList<ISpikingStage> main,
    IReadOnlyList<ISpikingStage> shortcut, IfNeuron junction) : ISpikingStage
{
    /// <summary>Block name, e.g. <c>block4</c>.</summary>
    public string Name { get; } = name;
    /// <summary>Main path stages.</summary>
    public IReadOnlyList<ISpikingStage> Main { get; } = main;
    /// <summary>Shortcut stages; empty for identity.</summary>
    public IReadOnlyList<ISpikingStage> Shortcut { get; } = shortcut;
    /// <summary>The IF layer after the addition.</summary>
    public IfNeuron Junction { get; } = junction;

    public Tensor Forward(Tensor input, StepContext context)
    {
        using var scope = NewDisposeScope();
        var m = SpikingNetwork.Run(Main, input, context);
        var s = SpikingNetwork.Run(Shortcut, input, context);
        return Junction.Forward(m, s, context).MoveToOuterDisposeScope();
    }

    public void ResetState()
    {
        foreach (var stage in Main.Concat(Shortcut)) stage.ResetState();
        Junction.ResetState();
    }
}
