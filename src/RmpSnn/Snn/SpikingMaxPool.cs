using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RmpSnn.Snn;

/// <summary>
/// Rate-gated max-pooling (Rueckauer et al. 2017, as in SNN Toolbox): each step, every pooling window passes on the input
/// of the neuron with the largest accumulated input so far (this step included; spikes all carry their layer's amplitude,
/// so that is the largest spike count). The window thus forwards the spikes of its currently most active neuron, and its
/// output rate tends to the max of the input rates, as ReLU → max-pool in the ANN. Ties go to the first neuron in the window.
/// The accumulated inputs are state, forgotten on <see cref="ResetState"/> like an IF layer's membrane potential.
/// </summary>
public sealed class SpikingMaxPool(string name, long[] kernel, long[] stride, long[] padding, long[] dilation, bool ceilMode) : ISpikingStage
{
    Tensor? _accumulated;

    /// <summary>The converted max-pooling node's name.</summary>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public Tensor Forward(IReadOnlyList<Tensor> inputs, StepContext context)
    {
        var input = inputs[0];
        using var scope = NewDisposeScope();
        long[] shape = input.shape;
        var steps = input.view([context.Steps, context.Batch, .. shape[1..]]);
        if (_accumulated is null)
        {
            _accumulated = zeros_like(steps[0]);
            _accumulated.DetachFromDisposeScope();
        }
        var outputs = new Tensor[context.Steps];
        for (int t = 0; t < context.Steps; t++)
        {
            var x = steps[t];
            _accumulated.add_(x, HeldScalars.One);
            var (_, winners) = F.max_pool2d_with_indices(_accumulated, kernel, stride, padding, dilation, ceilMode);
            outputs[t] = x.flatten(2).gather(2, winners.flatten(2)).view_as(winners);
        }
        var output = stack(outputs);
        return output.view([-1, .. output.shape[2..]]).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public void ResetState()
    {
        _accumulated?.Dispose();
        _accumulated = null;
    }

    /// <inheritdoc/>
    public void Dispose() => ResetState();
}
