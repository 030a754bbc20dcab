using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>
/// Max pooling converted to a spike-count gate (each window spikes when its largest input spike count rises, see
/// <c>SpikingMaxPool</c>); run as an ANN it is the max pooling it replaces.
/// </summary>
public sealed class MaxPoolGateNode(MaxPoolNode pool) : GraphNode(pool.Name)
{
    /// <summary>The pooling windows.</summary>
    public MaxPoolNode Pool { get; } = pool;

    /// <inheritdoc/>
    public override string Op => "MaxPoolGate";
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => Pool.Forward(inputs);
}
