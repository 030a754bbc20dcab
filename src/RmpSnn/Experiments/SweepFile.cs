using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace RmpSnn.Experiments;

/// <summary>
/// The contents of <c>sweep.json</c>: the settings, the ANN's accuracy on the same images and every finished cell with
/// its raw per-step counts (so tables and figures can be rebuilt exactly). A derived <c>summary</c> (latency, energy,
/// spike rates, SOPs per configuration) is written alongside for readers and ignored when loading.
/// </summary>
public sealed record SweepFile(SweepSettings Settings, string Model, string Arch, string DatasetName, double AnnAccuracy, SweepCell[] Cells)
{
    /// <summary>File name inside the sweep folder.</summary>
    public const string FileName = "sweep.json";

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>True when every (norm, encoding) cell of the settings is finished.</summary>
    [JsonIgnore]
    public bool Finished => Settings.Norms.All(n => Settings.Encodings.All(e => Cells.Any(c => c.Norm == n && c.Encoding == e)));

    /// <summary>Writes <c>sweep.json</c> (with the derived summary) atomically into <paramref name="folder"/>.</summary>
    public void Save(string folder)
    {
        var node = JsonSerializer.SerializeToNode(this, Json)!.AsObject();
        node["summary"] = JsonSerializer.SerializeToNode(SweepSummary.Of(this), Json);
        AtomicFile.WriteAllText(Path.Combine(folder, FileName), node.ToJsonString());
    }

    /// <summary>Reads <c>FOLDER/sweep.json</c>, or returns null when the folder has none.</summary>
    public static SweepFile? Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<SweepFile>(File.ReadAllText(path), Json) ?? throw new RmpSnnException($"{path}: empty sweep file");
        }
        catch (JsonException e)
        {
            throw new RmpSnnException($"{path}: not a sweep file ({e.Message})");
        }
    }

    /// <summary>Throws a one-line <see cref="RmpSnnException"/> naming the first setting in which <paramref name="wanted"/> differs.</summary>
    public void Check(SweepSettings wanted, string folder)
    {
        if (FirstDifference(wanted) is var (name, have, want))
            throw new RmpSnnException($"{Path.Combine(folder, FileName)}: holds a sweep with {name} = {have}, not {want}; " +
                "use another --out folder or delete this one");
    }

    /// <summary>The first setting in which <paramref name="other"/> differs from this file's (name, this value, other value), or null.</summary>
    public (string Name, string Have, string Other)? FirstDifference(SweepSettings other)
    {
        var stored = JsonSerializer.SerializeToNode(Settings, Json)!.AsObject();
        var asked = JsonSerializer.SerializeToNode(other, Json)!.AsObject();
        foreach (var (name, value) in asked)
        {
            string have = stored[name]?.ToJsonString() ?? "(none)", want = value?.ToJsonString() ?? "(none)";
            if (have != want) return (name, have, want);
        }
        return null;
    }
}
