using RmpSnn.Snn;
namespace RmpSnn.Evaluation;

/// <summary>A <see cref="SimulationResult"/> in a JSON-friendly form that round-trips exactly (raw per-step counts).</summary>
/// <param name="Label">Configuration label.</param>
/// <param name="Samples">Simulated samples.</param>
/// <param name="CorrectPerStep">Correct predictions after each step.</param>
/// <param name="NeuronLayers">Neuron layers.</param>
/// <param name="WeightedLayers">Weighted layers.</param>
/// <param name="Spikes">Spikes[layer][t], summed over samples (null without statistics).</param>
/// <param name="SynapticOps">SynapticOps[layer][t], summed over samples (null without statistics).</param>
public sealed record StoredResult(string Label, int Samples, long[] CorrectPerStep, LayerInfo[] NeuronLayers, LayerInfo[] WeightedLayers,
    double[][]? Spikes, double[][]? SynapticOps)
{
    /// <summary>Captures <paramref name="result"/>.</summary>
    public static StoredResult From(SimulationResult result) => new(result.Label, result.Samples, result.CorrectPerStep,
        [.. result.NeuronLayers], [.. result.WeightedLayers], result.Recorder?.Spikes, result.Recorder?.SynapticOps);

    /// <summary>
    /// The result over the union of disjoint image sets (shards): samples, correct counts, spikes and SOPs added up. The
    /// counts are integers, so the sum equals one run over all images exactly.
    /// </summary>
    public static StoredResult Sum(IReadOnlyList<StoredResult> parts)
    {
        var p = parts[0];
        if (parts.Any(q => q.Label != p.Label || q.CorrectPerStep.Length != p.CorrectPerStep.Length))
            throw new ArgumentException("the parts are not one configuration over the same steps", nameof(parts));
        double[][]? Add(Func<StoredResult, double[][]?> pick) => pick(p) is { } head
            ? head.Select((layer, l) => layer.Select((_, t) => parts.Sum(q => pick(q)![l][t])).ToArray()).ToArray()
            : null;
        return new StoredResult(p.Label, parts.Sum(q => q.Samples),
            p.CorrectPerStep.Select((_, t) => parts.Sum(q => q.CorrectPerStep[t])).ToArray(),
            p.NeuronLayers, p.WeightedLayers, Add(q => q.Spikes), Add(q => q.SynapticOps));
    }

    /// <summary>Rebuilds the result.</summary>
    public SimulationResult ToResult()
    {
        SpikeRecorder? recorder = null;
        if (Spikes is not null && SynapticOps is not null)
        {
            recorder = new SpikeRecorder(NeuronLayers.Select(l => l.Name).ToArray(), WeightedLayers.Select(l => l.Name).ToArray(),
                CorrectPerStep.Length);
            for (int i = 0; i < Spikes.Length; i++) Spikes[i].CopyTo(recorder.Spikes[i], 0);
            for (int i = 0; i < SynapticOps.Length; i++) SynapticOps[i].CopyTo(recorder.SynapticOps[i], 0);
        }
        return new SimulationResult(Label, Samples, CorrectPerStep, NeuronLayers, WeightedLayers, recorder);
    }
}
