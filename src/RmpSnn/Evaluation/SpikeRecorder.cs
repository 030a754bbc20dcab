using static TorchSharp.torch;

namespace RmpSnn.Evaluation;

/// <summary>
/// Accumulates, for every time-step, the spikes of each neuron layer and the synaptic operations of each weighted
/// layer, summed over all simulated samples.
/// </summary>
public sealed class SpikeRecorder(int neuronLayers, int weightedLayers, int steps)
{
    /// <summary>Spikes[layer][t]: spikes emitted by neuron layer <c>layer</c> at step t, summed over samples.</summary>
    public double[][] Spikes { get; } = Enumerable.Range(0, neuronLayers).Select(_ => new double[steps]).ToArray();
    /// <summary>SynapticOps[layer][t]: input events × fan-out of weighted layer <c>layer</c> at step t, summed over samples.</summary>
    public double[][] SynapticOps { get; } = Enumerable.Range(0, weightedLayers).Select(_ => new double[steps]).ToArray();

    /// <summary>Adds per-step spike counts <c>[K]</c> of a neuron layer, starting at global step <paramref name="firstStep"/>.</summary>
    public void AddSpikes(int layer, int firstStep, Tensor counts) => Add(Spikes[layer], firstStep, counts);

    /// <summary>Adds per-step synaptic-operation counts <c>[K]</c> of a weighted layer.</summary>
    public void AddSynapticOps(int layer, int firstStep, Tensor counts) => Add(SynapticOps[layer], firstStep, counts);

    /// <summary>Adds the same synaptic-operation count to <paramref name="steps"/> consecutive steps (a layer with constant input).</summary>
    public void AddSynapticOps(int layer, int firstStep, int steps, double perStep)
    {
        for (int t = 0; t < steps; t++) SynapticOps[layer][firstStep + t] += perStep;
    }

    static void Add(double[] into, int firstStep, Tensor counts)
    {
        using var cpu = counts.to(ScalarType.Float64, CPU);
        var values = cpu.data<double>();
        for (int i = 0; i < values.Count; i++) into[firstStep + i] += values[i];
    }
}
