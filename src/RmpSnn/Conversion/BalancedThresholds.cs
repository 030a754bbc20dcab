using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using RmpSnn.Snn;

namespace RmpSnn.Conversion;

/// <summary>
/// The result of <c>rmpsnn convert</c>, stored as JSON next to the model: which model was converted (path + SHA-256),
/// how it was converted and balanced, and the balanced thresholds (α = 1) of every IF layer by node name for each
/// reset mode, so later runs reuse them. <see cref="SimulationEncoding"/> and <see cref="InitialPotential"/> (a
/// fraction of V_th) are what <c>simulate</c> uses unless told otherwise: direct input and 0.5 for
/// <see cref="NormMode.Qcfs"/> (the shift that makes the SNN match the QCFS ANN), Poisson and 0 otherwise and in files
/// written before these fields existed. <see cref="ThresholdsSharedFrom"/> names the reset mode whose SNN was balanced
/// when all modes share its thresholds (null: each mode balanced in its own). <see cref="Signed"/>: calibrated with signed
/// neurons (<see cref="NeuronOptions.Signed"/>), which <c>simulate</c> then runs by default (false in older files);
/// <see cref="MaxBurst"/> likewise for burst neurons (<see cref="NeuronOptions.MaxBurst"/>; 1, IF neurons, in older files).
/// </summary>
public sealed record BalancedThresholds(
    string ModelPath,
    string ModelSha256,
    string Arch,
    NormMode Norm,
    double Percentile,
    int CalibrationImages,
    int CalibrationSteps,
    InputCoding CalibrationEncoding,
    ReadoutMode Readout,
    MaxPoolMode MaxPool,
    IReadOnlyDictionary<ResetMode, IReadOnlyDictionary<string, float>> Thresholds,
    InputCoding SimulationEncoding = InputCoding.Poisson,
    float InitialPotential = 0f,
    ResetMode? ThresholdsSharedFrom = null,
    IReadOnlyDictionary<ResetMode, IReadOnlyDictionary<string, LayerCorrection>>? Corrections = null,
    string? CorrectionKinds = null,
    bool Signed = false,
    int MaxBurst = 1)
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Writes the JSON atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads a converted-model JSON; a missing or malformed file gives one clear error.</summary>
    public static BalancedThresholds Load(string path)
    {
        if (!File.Exists(path)) throw new RmpSnnException($"{path}: converted model not found; create it with 'rmpsnn convert MODEL --out {path}'");
        try
        {
            var converted = JsonSerializer.Deserialize<BalancedThresholds>(File.ReadAllText(path), Json)
                ?? throw new RmpSnnException($"{path}: empty converted-model file");
            string? missing = converted.ModelSha256 is null ? "ModelSha256" : converted.Arch is null ? "Arch"
                : converted.Thresholds is null || converted.Thresholds.Values.Any(v => v is null) ? "Thresholds" : null;
            return missing is null ? converted
                : throw new RmpSnnException($"{path}: the converted-model file has no '{missing}'; re-run 'rmpsnn convert'");
        }
        catch (JsonException e)
        {
            throw new RmpSnnException($"{path}: not a converted-model JSON of this version, whose thresholds are keyed by layer name " +
                $"({e.Message}); re-run 'rmpsnn convert'");
        }
    }

    /// <summary>Thresholds for <paramref name="reset"/> by IF layer name, for a network of architecture <paramref name="arch"/> (checked).</summary>
    public IReadOnlyDictionary<string, float> ThresholdsFor(ResetMode reset, string arch, string path)
    {
        if (!Thresholds.TryGetValue(reset, out var values))
            throw new RmpSnnException(
                $"{path}: no thresholds for {reset.ToString().ToLowerInvariant()} reset; re-run 'rmpsnn convert' with --reset both");
        if (Arch != arch)
            throw new RmpSnnException($"{path}: thresholds are for {Arch}, but the network is {arch}; re-run 'rmpsnn convert'");
        if (values.FirstOrDefault(p => !(p.Value > 0) || float.IsInfinity(p.Value)) is { Key: not null } bad)
            throw new RmpSnnException($"{path}: threshold of {bad.Key} is {bad.Value}; thresholds must be positive finite numbers");
        return values;
    }

    /// <summary>The post-training corrections for <paramref name="reset"/> by IF layer name (null when none were calibrated).</summary>
    /// <exception cref="RmpSnnException">The file was calibrated, but not for this reset mode.</exception>
    public IReadOnlyDictionary<string, LayerCorrection>? CorrectionsFor(ResetMode reset, string path) =>
        Corrections is null ? null
        : Corrections.TryGetValue(reset, out var values) ? values
        : throw new RmpSnnException($"{path}: calibrated for {string.Join(" and ", Corrections.Keys).ToLowerInvariant()} reset only, " +
            $"not {reset.ToString().ToLowerInvariant()}; pass --reset {Corrections.Keys.First().ToString().ToLowerInvariant()} or re-run 'rmpsnn convert'");

    /// <summary>SHA-256 of a file, hex.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
