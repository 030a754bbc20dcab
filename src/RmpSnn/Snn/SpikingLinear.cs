using RmpSnn.Graph;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RmpSnn.Snn;

/// <summary>
/// A converted fully-connected layer (LibTorch's matrix product with every engine; its synaptic operations are counted
/// per engine).
/// </summary>
public sealed class SpikingLinear : SynapticStage
{
    readonly Tensor _weight;
    readonly Tensor? _bias;

    /// <summary>Takes the node's tensors onto <paramref name="device"/>.</summary>
    public SpikingLinear(LinearNode node, SimulationEngine engine, long[] sampleShape, Device device)
        : base(node.Name, engine, sampleShape, device, ones => F.linear(ones, ones_like(node.Weight, ScalarType.Float64, ones.device)))
    {
        _weight = node.Weight.detach().to(device).DetachFromDisposeScope();
        _bias = node.Bias?.detach().to(device).DetachFromDisposeScope();
    }

    /// <inheritdoc/>
    protected override Tensor Current(Tensor input) => F.linear(input, _weight, _bias);

    /// <inheritdoc/>
    public override void Dispose()
    {
        base.Dispose();
        _weight.Dispose();
        _bias?.Dispose();
    }
}
