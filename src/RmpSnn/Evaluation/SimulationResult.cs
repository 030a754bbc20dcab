using RmpSnn.Snn;
namespace RmpSnn.Evaluation;

/// <summary>Per-layer identity used in reports.</summary>
/// <param name="Name">Layer name.</param>
/// <param name="Size">Neurons per sample (neuron layers) or dense MACs per sample (weighted layers).</param>
public sealed record LayerInfo(string Name, double Size);

/// <summary>
/// What one simulated network produced: top-1 accuracy after every step t = 1…T, and spikes / synaptic operations
/// per layer and step, summed over <see cref="Samples"/>.
/// </summary>
public sealed class SimulationResult
{
    /// <summary>Creates a result.</summary>
    public SimulationResult(string label, int samples, long[] correctPerStep, IReadOnlyList<LayerInfo> neuronLayers,
        IReadOnlyList<LayerInfo> weightedLayers, SpikeRecorder? recorder)
    {
        Label = label; Samples = samples; CorrectPerStep = correctPerStep;
        NeuronLayers = neuronLayers; WeightedLayers = weightedLayers; Recorder = recorder;
    }

    /// <summary>Configuration label, e.g. <c>soft α=1</c>.</summary>
    public string Label { get; }
    /// <summary>Number of simulated samples.</summary>
    public int Samples { get; }
    /// <summary>Correct predictions of the readout after each step.</summary>
    public long[] CorrectPerStep { get; }
    /// <summary>Neuron layers (name, neurons per sample).</summary>
    public IReadOnlyList<LayerInfo> NeuronLayers { get; }
    /// <summary>Weighted layers (name, dense MACs per sample).</summary>
    public IReadOnlyList<LayerInfo> WeightedLayers { get; }
    /// <summary>Raw per-step counts, or null when statistics were not recorded.</summary>
    public SpikeRecorder? Recorder { get; }

    /// <summary>What was simulated; null if not given.</summary>
    public Snn.SimulationOptions? Options { get; init; }

    /// <summary>How it ran (batch and chunk after fitting a memory budget); null if not given.</summary>
    public Snn.ExecutionOptions? Execution { get; init; }

    /// <summary>Time-steps simulated.</summary>
    public int Steps => CorrectPerStep.Length;

    /// <summary>Top-1 accuracy (%) after <paramref name="t"/> steps (1-based).</summary>
    public double AccuracyAt(int t) => 100.0 * CorrectPerStep[t - 1] / Samples;

    /// <summary>Spikes per neuron per step of each neuron layer over all <see cref="Steps"/>.</summary>
    public double[] SpikeRates() => Recorder is null ? [] : NeuronLayers
        .Select((layer, i) => Recorder.Spikes[i].Sum() / (layer.Size * Samples * Steps)).ToArray();

    /// <summary>Synaptic operations per sample of each weighted layer over the first <paramref name="t"/> steps.</summary>
    public double[] SynapticOpsPerSample(int t) => Recorder is null ? [] : Recorder.SynapticOps
        .Select(perStep => perStep.Take(t).Sum() / Samples).ToArray();

    /// <summary>The smallest t whose accuracy is at least <paramref name="target"/> %, or null if never reached.</summary>
    public int? StepsToReach(double target)
    {
        for (int t = 1; t <= Steps; t++) if (AccuracyAt(t) >= target) return t;
        return null;
    }
}
