using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RmpSnn.Evaluation;

/// <summary>
/// Tidy outputs of a simulation run: <c>results.json</c> (everything), <c>accuracy.csv</c> (one row per configuration × step)
/// and <c>layers.csv</c> (spike rate and synaptic operations per configuration × layer). All written atomically.
/// </summary>
public static class SimulationReport
{
    /// <summary>Steps shown in summary tables: 1, 2, 4, … up to T, plus T itself.</summary>
    public static int[] SummarySteps(int steps) =>
        Enumerable.Range(0, 31).Select(i => 1 << i).TakeWhile(t => t < steps).Where(t => t >= 8 || steps <= 64).Append(steps).ToArray();

    /// <summary>Writes the three files into <paramref name="folder"/>; <paramref name="context"/> adds run facts (model, dataset, options).</summary>
    public static void Write(string folder, IReadOnlyList<SimulationResult> results, double? annAccuracy,
        IReadOnlyDictionary<string, object?> context)
    {
        var json = new Dictionary<string, object?>(context)
        {
            ["annAccuracy"] = annAccuracy,
            ["configurations"] = results.Select(r => Describe(r, annAccuracy)).ToArray(),
        };
        AtomicFile.WriteAllText(Path.Combine(folder, "results.json"),
            JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));

        var curve = new StringBuilder("config,t,accuracy\n");
        foreach (var r in results)
            for (int t = 1; t <= r.Steps; t++) curve.Append(Csv(r.Label, t, r.AccuracyAt(t)));
        AtomicFile.WriteAllText(Path.Combine(folder, "accuracy.csv"), curve.ToString());

        var layers = new StringBuilder("config,layer,kind,size,spikes_per_neuron_per_step,sops_per_image\n");
        foreach (var r in results)
        {
            var rates = r.SpikeRates();
            for (int i = 0; i < rates.Length; i++)
                layers.Append(Csv(r.Label, r.NeuronLayers[i].Name, "neuron", r.NeuronLayers[i].Size, rates[i], ""));
            var sops = r.SynapticOpsPerSample(r.Steps);
            for (int i = 0; i < sops.Length; i++)
                layers.Append(Csv(r.Label, r.WeightedLayers[i].Name, "synapse", r.WeightedLayers[i].Size, "", sops[i]));
        }
        AtomicFile.WriteAllText(Path.Combine(folder, "layers.csv"), layers.ToString());
    }

    static Dictionary<string, object?> Describe(SimulationResult r, double? ann) => new()
    {
        ["label"] = r.Label,
        ["samples"] = r.Samples,
        ["steps"] = r.Steps,
        ["batchSize"] = r.Execution?.BatchSize,
        ["chunkSteps"] = r.Execution?.ChunkSteps,
        ["engine"] = r.Execution?.Engine.ToString().ToLowerInvariant(),
        ["finalAccuracy"] = r.AccuracyAt(r.Steps),
        ["stepsToAnnMinus1"] = ann is null ? null : r.StepsToReach(ann.Value - 1),
        ["accuracyPerStep"] = Enumerable.Range(1, r.Steps).Select(r.AccuracyAt).ToArray(),
        ["spikesPerNeuronPerStep"] = r.NeuronLayers.Zip(r.SpikeRates(), (l, v) => new { layer = l.Name, neurons = l.Size, rate = v }).ToArray(),
        ["synapticOpsPerImage"] = r.WeightedLayers.Zip(r.SynapticOpsPerSample(r.Steps),
            (l, v) => new { layer = l.Name, denseMacs = l.Size, sops = v }).ToArray(),
        ["totalSynapticOpsPerImage"] = r.SynapticOpsPerSample(r.Steps).Sum(),
        ["synapticOpsPerImageAtAnnMinus1"] = ann is not null && r.StepsToReach(ann.Value - 1) is { } t ? r.SynapticOpsPerSample(t).Sum() : null,
        ["synapticOpsPerImagePerStep"] = r.Recorder is null ? null
            : Enumerable.Range(0, r.Steps).Select(t => r.Recorder.SynapticOps.Sum(layer => layer[t]) / r.Samples).ToArray(),
    };

    /// <summary>
    /// One CSV line (RFC 4180): invariant culture, round-trip doubles; a field holding a comma, quote or line break is
    /// quoted, with its quotes doubled.
    /// </summary>
    internal static string Csv(params object?[] values) =>
        string.Join(",", values.Select(v => v switch
        {
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            string s when s.AsSpan().IndexOfAny(",\"\r\n") >= 0 => $"\"{s.Replace("\"", "\"\"")}\"",
            _ => Convert.ToString(v, CultureInfo.InvariantCulture),
        })) + "\n";
}
