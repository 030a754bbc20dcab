using RmpSnn.Graph;
using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// A linear operation without weights or state (average or global pooling, flatten, reshape, add, concat, pad, slice,
/// scale): it acts on every step's currents or spikes as the node acts on ANN activations, so it runs the node's own
/// <see cref="GraphNode.Forward"/> on the time-major chunk.
/// </summary>
public sealed class StatelessStage(GraphNode node) : ISpikingStage
{
    /// <summary>The node's name.</summary>
    public string Name => node.Name;

    /// <inheritdoc/>
    public Tensor Forward(IReadOnlyList<Tensor> inputs, StepContext context) => node.Forward(inputs);

    /// <inheritdoc/>
    public void ResetState() { }

    /// <inheritdoc/>
    public void Dispose() { }
}
