using System.Text.Json;

namespace RmpSnn.Evaluation;

/// <summary>Figures rebuilt from a <c>simulate</c> run's <c>results.json</c>: accuracy vs T and spike rates per layer.</summary>
public static class SimulationFigures
{
    /// <summary>Reads <paramref name="resultsJson"/> and writes <c>accuracy_vs_T.png</c> and <c>spike-rates.png</c> next to it.</summary>
    public static IReadOnlyList<string> Save(string resultsJson)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(resultsJson))!;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(resultsJson));
            var root = json.RootElement;
            double? ann = root.TryGetProperty("annAccuracy", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : null;
            var configurations = root.GetProperty("configurations").EnumerateArray().ToArray();
            var results = configurations.Select(c =>
            {
                int samples = c.GetProperty("samples").GetInt32();
                long[] correct = c.GetProperty("accuracyPerStep").EnumerateArray()
                    .Select(v => (long)Math.Round(v.GetDouble() * samples / 100)).ToArray();
                return new SimulationResult(c.GetProperty("label").GetString()!, samples, correct, [], [], null);
            }).ToArray();
            var layers = configurations[0].GetProperty("spikesPerNeuronPerStep").EnumerateArray()
                .Select(l => l.GetProperty("layer").GetString()!).ToArray();
            var rates = configurations.Select(c => (c.GetProperty("label").GetString()!,
                c.GetProperty("spikesPerNeuronPerStep").EnumerateArray().Select(l => l.GetProperty("rate").GetDouble()).ToArray())).ToArray();
            string title = $"{Text(root, "arch")}, {Text(root, "dataset")} ({Text(root, "images")} images, {Text(root, "encoding")})";
            AccuracyPlot.Save(Path.Combine(folder, "accuracy_vs_T.png"), results, ann, title);
            SpikeRatePlot.Save(Path.Combine(folder, "spike-rates.png"), layers, rates,
                $"spikes per neuron per step over T = {results[0].Steps}: {title}");
            return ["accuracy_vs_T.png", "spike-rates.png"];
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new RmpSnnException($"{resultsJson}: not a results.json written by 'rmpsnn simulate' ({e.Message})");
        }
    }

    static string Text(JsonElement root, string name) => root.TryGetProperty(name, out var v) ? v.ToString() : "?";
}
