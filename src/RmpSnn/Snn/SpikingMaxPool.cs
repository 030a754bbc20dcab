using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RmpSnn.Snn;

/// <summary>
/// Spike-count max-pooling, the exact form of Rueckauer et al.'s (2017) rate gate: a window spikes at step t exactly when
/// the largest accumulated input in it rises, so after every step the window's spike count equals the largest spike count
/// among its inputs (all spikes of a layer carry the same amplitude, and a count rises by at most one per step, so the
/// output stays binary). Its rate is the max of the input rates at every T, as ReLU → max-pool in the ANN. SNN Toolbox's
/// gate, which forwards the spikes of the current leader with ties going to the first neuron, adds a spike whenever a
/// neuron that is not the leader catches up with it, and then over-fires. The accumulated inputs are state, forgotten on
/// <see cref="ResetState"/> like an IF layer's membrane potential.
/// </summary>
public sealed class SpikingMaxPool(string name, long[] kernel, long[] stride, long[] padding, long[] dilation, bool ceilMode) : ISpikingStage
{
    Tensor? _accumulated, _largest;

    /// <summary>The converted max-pooling node's name.</summary>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public Tensor Forward(IReadOnlyList<Tensor> inputs, StepContext context)
    {
        var input = inputs[0];
        using var scope = NewDisposeScope();
        long[] shape = input.shape;
        var steps = input.view([context.Steps, context.Batch, .. shape[1..]]);
        if (_accumulated is null || _largest is null)
        {
            _accumulated = zeros_like(steps[0]).DetachFromDisposeScope();
            _largest = Pool(_accumulated).DetachFromDisposeScope();
        }
        var outputs = new Tensor[context.Steps];
        for (int t = 0; t < context.Steps; t++)
        {
            var x = steps[t];
            _accumulated.add_(x, HeldScalars.One);
            var largest = Pool(_accumulated);
            outputs[t] = Pool(x).mul_(largest.gt(_largest));
            _largest.copy_(largest);
        }
        var output = stack(outputs);
        return output.view([-1, .. output.shape[2..]]).MoveToOuterDisposeScope();
    }

    Tensor Pool(Tensor x) => F.max_pool2d(x, kernel, stride, padding, dilation, ceilMode);

    /// <inheritdoc/>
    public void ResetState()
    {
        _accumulated?.Dispose();
        _largest?.Dispose();
        _accumulated = _largest = null;
    }

    /// <inheritdoc/>
    public void Dispose() => ResetState();
}
