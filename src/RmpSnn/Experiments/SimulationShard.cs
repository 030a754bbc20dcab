using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RmpSnn.Data;
using RmpSnn.Evaluation;

namespace RmpSnn.Experiments;

/// <summary>
/// What <c>rmpsnn simulate --shard i/n</c> writes (<c>shard-i-of-n.json</c>): the raw per-step counts of one shard of the
/// images and everything that must be equal across shards for their sum to be the whole run (<see cref="Run"/>).
/// <see cref="Merge"/> adds the counts; as input spikes are seeded per image and counts are integers, the merged curve,
/// spike counts and SOPs are bit-identical to one run over all images.
/// </summary>
/// <param name="Index">This shard's index (0-based).</param>
/// <param name="Count">The number of shards.</param>
/// <param name="FirstImage">Position of this shard's first image in the selection.</param>
/// <param name="TotalImages">Images of the whole selection.</param>
/// <param name="Run">What fixes the numbers (model and threshold hashes, dataset, steps, coding, seed, neurons, engine, …), as text.</param>
/// <param name="AnnCorrect">Images of this shard the ANN classifies correctly.</param>
/// <param name="Results">One result per configuration, counts over this shard's images.</param>
/// <param name="Context">The run facts the merged <c>results.json</c> reports (model, converted file, options).</param>
public sealed record SimulationShard(int Index, int Count, int FirstImage, int TotalImages, IReadOnlyDictionary<string, string> Run,
    long AnnCorrect, StoredResult[] Results, IReadOnlyDictionary<string, JsonElement> Context)
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>The file name of shard <paramref name="shard"/>.</summary>
    public static string FileName(Shard shard) => $"shard-{shard.Index}-of-{shard.Count}.json";

    /// <summary>The identity of a run, hashing the thresholds so that shards converted separately must agree on them.</summary>
    public static Dictionary<string, string> Identity(SimulationOutcome outcome, string device)
    {
        var identity = new Dictionary<string, string>
        {
            ["modelSha256"] = outcome.Converted.ModelSha256,
            ["thresholdsSha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(
                outcome.Converted.Thresholds.OrderBy(p => p.Key).ToDictionary(p => p.Key.ToString(), p => p.Value.OrderBy(t => t.Key, StringComparer.Ordinal)))))),
            ["readout"] = outcome.Converted.Readout.ToString(),
            ["maxpool"] = outcome.Converted.MaxPool.ToString(),
            ["dataset"] = outcome.DatasetName,
            ["images"] = outcome.TotalImages.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["steps"] = outcome.Simulation.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["encoding"] = outcome.Simulation.Encoding.ToString(),
            ["seed"] = outcome.Simulation.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["initialPotential"] = outcome.Neurons.InitialPotential.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["resetPotential"] = outcome.Neurons.ResetPotential.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["configurations"] = string.Join("; ", outcome.Results.Select(r => r.Label)),
            ["engine"] = outcome.Execution.Engine.ToString(),
            ["device"] = device,
        };
        if (outcome.Neurons.Kind != "if") identity["neuron"] = outcome.Neurons.Kind;   // absent for IF neurons, as in shards written before other kinds
        return identity;
    }

    /// <summary>Writes the shard file into <paramref name="folder"/> atomically; refuses to replace one unless <paramref name="overwrite"/>.</summary>
    public string Save(string folder, bool overwrite)
    {
        string path = Path.Combine(folder, FileName(new Shard(Index, Count)));
        if (File.Exists(path) && !overwrite) throw new RmpSnnException($"{path}: exists; pass --force to replace it");
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json));
        return path;
    }

    /// <summary>Reads a shard file; a file that is not one is a one-line error naming it.</summary>
    public static SimulationShard Load(string path)
    {
        try
        {
            var shard = JsonSerializer.Deserialize<SimulationShard>(File.ReadAllText(path), Json);
            if (shard?.Run is null || shard.Results is null || shard.Context is null || shard.Count <= 0)
                throw new RmpSnnException($"{path}: not a shard file of 'rmpsnn simulate --shard' (fields missing)");
            return shard;
        }
        catch (JsonException e)
        {
            throw new RmpSnnException($"{path}: not a shard file of 'rmpsnn simulate --shard' ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>
    /// The shard files in <paramref name="paths"/> (files, or folders searched for <c>shard-*-of-*.json</c>), checked and
    /// summed into the results of one run. Missing, duplicate or mismatched shards are refused, naming the files.
    /// </summary>
    public static (IReadOnlyList<SimulationResult> Results, double AnnAccuracy, Dictionary<string, object?> Context) Merge(IReadOnlyList<string> paths)
    {
        var files = paths.SelectMany(Files).ToArray();
        if (files.Length == 0) throw new RmpSnnException($"{string.Join(", ", paths)}: no shard-*-of-*.json files");
        var shards = files.Select(f => (File: f, Shard: Load(f))).ToArray();
        var (firstFile, first) = shards[0];
        foreach (var (file, shard) in shards.Skip(1))
        {
            if (shard.Count != first.Count)
                throw new RmpSnnException($"{file}: one of {shard.Count} shards, but {firstFile} is one of {first.Count}");
            foreach (var (key, value) in first.Run)
                if (shard.Run.GetValueOrDefault(key) is var other && other != value)
                    throw new RmpSnnException($"{file}: another run than {firstFile} ({key} = {other ?? "(none)"}, not {value})");
        }
        foreach (var group in shards.GroupBy(s => s.Shard.Index).Where(g => g.Count() > 1))
            throw new RmpSnnException($"shard {group.Key}/{first.Count} given twice: {string.Join(", ", group.Select(s => s.File))}");
        var missing = Enumerable.Range(0, first.Count).Except(shards.Select(s => s.Shard.Index)).ToArray();
        if (missing.Length > 0)
            throw new RmpSnnException($"missing shard(s) {string.Join(", ", missing.Select(i => $"{i}/{first.Count}"))} of {firstFile}'s run");

        var ordered = shards.Select(s => s.Shard).OrderBy(s => s.Index).ToArray();
        var results = first.Results.Select((_, c) => StoredResult.Sum(ordered.Select(s => s.Results[c]).ToArray()).ToResult()).ToArray();
        long annCorrect = ordered.Sum(s => s.AnnCorrect);
        var context = first.Context.ToDictionary(p => p.Key, p => (object?)p.Value);
        context["dataset"] = first.Run["dataset"];
        context["images"] = first.TotalImages;
        context["shards"] = first.Count;
        context["engine"] = first.Run["engine"];      // per configuration in a single run; batch and chunk differ between shards
        return (results, 100 * ((double)annCorrect / first.TotalImages), context);
    }

    static IEnumerable<string> Files(string path) =>
        Directory.Exists(path) ? Directory.GetFiles(path, "shard-*-of-*.json").Order(StringComparer.Ordinal)
        : File.Exists(path) ? [path]
        : throw new RmpSnnException($"{path}: no such shard file or folder");
}
