using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// The monitor a simulation attaches: accumulates, for every time-step, the spikes of each neuron layer and the
/// synaptic operations of each weighted layer, by layer name, summed over all simulated samples. Counts are summed on
/// the simulation's device and copied to the CPU only when read (or on <see cref="Flush"/>), so recording costs no
/// per-step device-to-host copies.
/// </summary>
public sealed class SpikeRecorder(IReadOnlyList<string> neuronLayers, IReadOnlyList<string> weightedLayers, int steps)
{
    readonly double[][] _spikes = neuronLayers.Select(_ => new double[steps]).ToArray();
    readonly double[][] _synapticOps = weightedLayers.Select(_ => new double[steps]).ToArray();
    readonly Dictionary<string, int> _neurons = Index(neuronLayers), _synapses = Index(weightedLayers);
    readonly int _steps = steps;
    readonly Tensor?[] _pendingSpikes = new Tensor?[neuronLayers.Count];
    readonly Tensor?[] _pendingSynapticOps = new Tensor?[weightedLayers.Count];

    /// <summary>Neuron layer names, in the order of <see cref="Spikes"/>.</summary>
    public IReadOnlyList<string> NeuronLayers { get; } = neuronLayers;
    /// <summary>Weighted layer names, in the order of <see cref="SynapticOps"/>.</summary>
    public IReadOnlyList<string> WeightedLayers { get; } = weightedLayers;

    /// <summary>Spikes[layer][t]: spikes emitted by neuron layer <c>layer</c> at step t, summed over samples.</summary>
    public double[][] Spikes
    {
        get { Flush(); return _spikes; }
    }

    /// <summary>SynapticOps[layer][t]: input events × fan-out of weighted layer <c>layer</c> at step t, summed over samples.</summary>
    public double[][] SynapticOps
    {
        get { Flush(); return _synapticOps; }
    }

    /// <summary>Adds per-step spike counts <c>[K]</c> of a neuron layer, starting at global step <paramref name="firstStep"/>.</summary>
    public void AddSpikes(string layer, int firstStep, Tensor counts) => Add(ref _pendingSpikes[_neurons[layer]], firstStep, counts);

    /// <summary>Adds per-step synaptic-operation counts <c>[K]</c> of a weighted layer.</summary>
    public void AddSynapticOps(string layer, int firstStep, Tensor counts) => Add(ref _pendingSynapticOps[_synapses[layer]], firstStep, counts);

    /// <summary>Adds per-step spike counts already on the host (the fused CPU kernels count them themselves).</summary>
    public void AddSpikes(string layer, int firstStep, ReadOnlySpan<double> counts) => AddHost(_spikes[_neurons[layer]], firstStep, counts);

    /// <summary>Adds per-step synaptic-operation counts already on the host.</summary>
    public void AddSynapticOps(string layer, int firstStep, ReadOnlySpan<double> counts) =>
        AddHost(_synapticOps[_synapses[layer]], firstStep, counts);

    /// <summary>Adds the same synaptic-operation count to <paramref name="count"/> consecutive steps (a layer with constant input).</summary>
    public void AddSynapticOps(string layer, int firstStep, int count, double perStep)
    {
        var into = _synapticOps[_synapses[layer]];
        for (int t = 0; t < count; t++) into[firstStep + t] += perStep;
    }

    /// <summary>Adds every count of <paramref name="other"/>, a recorder of the same layers and steps (another worker's part of the batch).</summary>
    public void Add(SpikeRecorder other)
    {
        if (!other.NeuronLayers.SequenceEqual(NeuronLayers) || !other.WeightedLayers.SequenceEqual(WeightedLayers) || other._steps != _steps)
            throw new ArgumentException("recorders of different layers or steps", nameof(other));
        for (int layer = 0; layer < _spikes.Length; layer++) AddHost(_spikes[layer], 0, other.Spikes[layer]);
        for (int layer = 0; layer < _synapticOps.Length; layer++) AddHost(_synapticOps[layer], 0, other.SynapticOps[layer]);
    }

    /// <summary>Copies the counts summed on the device into <see cref="Spikes"/> and <see cref="SynapticOps"/> and frees them.</summary>
    public void Flush()
    {
        CopyToHost(_pendingSpikes, _spikes);
        CopyToHost(_pendingSynapticOps, _synapticOps);
    }

    static Dictionary<string, int> Index(IReadOnlyList<string> names) =>
        names.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);

    static void AddHost(double[] into, int firstStep, ReadOnlySpan<double> counts)
    {
        for (int t = 0; t < counts.Length; t++) into[firstStep + t] += counts[t];
    }

    void Add(ref Tensor? pending, int firstStep, Tensor counts)
    {
        if (pending is null)
        {
            pending = zeros(_steps, ScalarType.Float64, counts.device);
            pending.DetachFromDisposeScope();
        }
        using var slice = pending.narrow(0, firstStep, counts.shape[0]);
        slice.add_(counts, HeldScalars.One);
    }

    static void CopyToHost(Tensor?[] pending, double[][] into)
    {
        for (int layer = 0; layer < pending.Length; layer++)
        {
            if (pending[layer] is not { } counts) continue;
            using (counts)
            using (var cpu = counts.cpu())
            {
                var values = cpu.data<double>();
                for (int t = 0; t < values.Count; t++) into[layer][t] += values[t];
            }
            pending[layer] = null;
        }
    }
}
