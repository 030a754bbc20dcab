using RmpSnn.Graph;
using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// A converted 2-D convolution: LibTorch's convolution plus the bias (a per-channel or, for the first layer, a full
/// constant-current map), or for <see cref="SimulationEngine.Event"/> an <see cref="EventConvolution"/> whenever the input
/// is sparse enough to gain (that choice depends only on the data, so runs stay reproducible).
/// </summary>
public sealed class SpikingConv2d : SynapticStage
{
    readonly Conv2dNode _node;
    readonly Tensor _weight;
    readonly Tensor? _bias;
    readonly Lazy<EventConvolution>? _events;

    /// <summary>Takes the node's tensors onto <paramref name="device"/>; fails when <paramref name="engine"/> cannot run this convolution.</summary>
    public SpikingConv2d(Conv2dNode node, SimulationEngine engine, long[] sampleShape, Device device)
        : base(node.Name, engine, sampleShape, device, ones => node.Apply(ones, ones_like(node.Weight, ScalarType.Float64, ones.device)))
    {
        _node = node;
        _weight = node.Weight.detach().to(device).DetachFromDisposeScope();
        var bias = node.BiasMap ?? node.Bias?.view(1, -1, 1, 1);
        _bias = bias?.detach().to(device).DetachFromDisposeScope();
        if (engine != SimulationEngine.Event) return;
        if (!EventConvolution.Supports(node.Dilation, node.Groups))
            throw new RmpSnnException($"{node}: the event engine runs convolutions with dilation 1 and one group, " +
                $"not dilation {string.Join("x", node.Dilation)} with {node.Groups} groups; use --engine dense");
        _events = new(() => new EventConvolution(_weight, node.Stride, node.Padding, node.BiasMap is null ? _bias : null));
    }

    /// <inheritdoc/>
    protected override Tensor Current(Tensor input)
    {
        var output = _node.Apply(input, _weight);
        return _bias is null ? output : output.add_(_bias, HeldScalars.One);
    }

    /// <inheritdoc/>
    protected override Tensor? EventCurrent(Tensor input, double[]? synapticOps)
    {
        var output = _events?.Value.TryApply(input, synapticOps);   // with the per-channel bias; a bias map is added here
        return output is null || _node.BiasMap is null ? output : output.add_(_bias!, HeldScalars.One);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        base.Dispose();
        _weight.Dispose();
        _bias?.Dispose();
    }
}
