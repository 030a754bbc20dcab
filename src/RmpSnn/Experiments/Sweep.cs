using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Evaluation;
using RmpSnn.Models;
using RmpSnn.Snn;
using RmpSnn.Training;
using static TorchSharp.torch;

namespace RmpSnn.Experiments;

/// <summary>Progress of a sweep: finished cells, images of the running cell, and what is happening.</summary>
public readonly record struct SweepProgress(int CellsDone, int Cells, int SamplesDone, int SamplesTotal, string Stage);

/// <summary>
/// The experiment grid norm × encoding × reset × α. Each (norm, encoding) cell is balanced once (the converted model is
/// cached in the folder as <c>converted-NORM[-ENCODING].json</c>) and all its (reset × α) configurations run in one
/// simulation on the same input spikes. After each cell, <c>sweep.json</c>, <c>sweep.csv</c> and <c>sweep-summary.csv</c>
/// are rewritten atomically, so a killed sweep loses no finished cell and a re-run continues with the next one.
/// </summary>
public static class Sweep
{
    /// <summary>Tidy accuracy curve: one row per configuration × T.</summary>
    public const string CsvFile = "sweep.csv";
    /// <summary>One row per configuration: latency, speed-up, SOPs, energy.</summary>
    public const string SummaryFile = "sweep-summary.csv";

    /// <summary>The CLI word of an enum value, e.g. <c>act-max</c>.</summary>
    public static string Word<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>
    /// Runs the cells of <paramref name="settings"/> not yet in <paramref name="folder"/> (refusing a folder that holds
    /// a sweep of other settings). <paramref name="execution"/> shapes how the cells run (batch, chunk, memory budget,
    /// engine), not their results; <paramref name="images"/> is the settings' shard of the selection when they name one.
    /// Returns the sweep file and the number of cells simulated by this call.
    /// </summary>
    public static (SweepFile File, int CellsRun) Run(string folder, string modelPath, Network ann, ModelInfo info, ImageDataset images,
        DatasetSelection calibration, SweepSettings settings, ExecutionOptions execution, Device device,
        IProgress<SweepProgress>? progress = null, CancellationToken cancel = default)
    {
        int expected = settings.Shard is { } shard ? Data.Shard.Parse(shard).Range(settings.Images).Length : settings.Images;
        if (images.Count != expected) throw new ArgumentException($"settings say {expected} images, got {images.Count}");
        var file = SweepFile.Load(folder);
        file?.Check(settings, folder);
        file ??= new SweepFile(settings, Path.GetFullPath(modelPath), info.Spec.Arch, images.Name,
            100 * Evaluator.Accuracy(ann, images, info.Normalization, execution.BatchSize, device), []);
        var neurons = new NeuronOptions(ResetMode.Soft, settings.ResetPotential, settings.InitialPotential, settings.Signed, settings.MaxBurst).Validate();
        var configurations = settings.Resets.SelectMany(r => settings.Alphas.Select(a => new SnnConfiguration(r, a))).ToArray();
        var plan = settings.Norms.SelectMany(n => settings.Encodings.Select(e => (Norm: n, Encoding: e))).ToArray();
        ImageDataset? calibrationImages = null;
        int cellsRun = 0;
        foreach (var (norm, encoding) in plan)
        {
            if (file.Cells.Any(c => c.Norm == norm && c.Encoding == encoding)) continue;
            cancel.ThrowIfCancellationRequested();
            string name = SweepCell.CellName(norm, encoding);
            var clock = Stopwatch.StartNew();
            progress?.Report(new SweepProgress(file.Cells.Length, plan.Length, 0, images.Count, $"{name}: balancing"));
            string convertedName = $"converted-{Word(norm)}{(norm == NormMode.Spike ? "-" + Word(encoding) : "")}.json";
            string convertedPath = Path.Combine(folder, convertedName);
            var balancing = new BalancingOptions(norm, settings.CalibrationImages, settings.CalibrationSteps, settings.Percentile,
                encoding, settings.Seed, execution.BatchSize, execution.ChunkSteps, Signed: settings.Signed, MaxBurst: settings.MaxBurst).Validate();
            var converted = LoadConverted(convertedPath, settings, norm, encoding);
            if (converted is null)
            {
                calibrationImages ??= (calibration with { Limit = settings.CalibrationImages }).Load();
                converted = ConversionPipeline.Convert(modelPath, ann, info.Normalization, calibrationImages, balancing, settings.Resets,
                    settings.Readout, settings.MaxPool, device);
                converted.Save(convertedPath);
            }
            var simulation = new SimulationOptions(settings.Steps, encoding, settings.Seed);
            // searched and calibrated thresholds assume V(0) = V_th/2 (their conversion sets it); the other cells take --initial-potential
            var cellNeurons = norm is NormMode.Search or NormMode.Calibrated ? neurons with { InitialPotential = converted.InitialPotential } : neurons;
            int cellsDone = file.Cells.Length;
            var results = ConversionExperiment.Run(ann, info, converted, convertedPath, images, configurations, cellNeurons, simulation,
                execution, device,
                new Reporter<SimulationProgress>(p => progress?.Report(new SweepProgress(cellsDone, plan.Length, p.SamplesDone, p.SamplesTotal,
                    $"{name}: simulating"))), cancel);
            var runs = configurations.Zip(results, (c, r) => new SweepRun(c.Reset, c.Alpha, StoredResult.From(r))).ToArray();
            file = file with { Cells = [.. file.Cells, new SweepCell(norm, encoding, convertedName, clock.Elapsed.TotalSeconds, runs)] };
            Write(folder, file);
            cellsRun++;
            progress?.Report(new SweepProgress(file.Cells.Length, plan.Length, images.Count, images.Count, $"{name}: done"));
        }
        return (file, cellsRun);
    }

    /// <summary>A cached converted model that matches the settings, or null when there is none (a mismatch is an error).</summary>
    static BalancedThresholds? LoadConverted(string path, SweepSettings settings, NormMode norm, InputCoding encoding)
    {
        if (!File.Exists(path)) return null;
        var converted = BalancedThresholds.Load(path);
        bool matches = converted.ModelSha256 == settings.ModelSha256 && converted.Norm == norm && converted.Readout == settings.Readout
            && converted.MaxPool == settings.MaxPool && converted.Signed == settings.Signed && converted.MaxBurst == settings.MaxBurst
            && settings.Resets.All(converted.Thresholds.ContainsKey)
            && (norm != NormMode.Spike || (converted.CalibrationEncoding == encoding && converted.CalibrationSteps == settings.CalibrationSteps))
            && (norm is not (NormMode.Search or NormMode.Calibrated)
                || (converted.CalibrationSteps == settings.CalibrationSteps && converted.CalibrationImages == settings.CalibrationImages))
            && (norm != NormMode.ActPct || converted.Percentile == settings.Percentile);
        return matches
            ? converted
            : throw new RmpSnnException($"{path}: converted for other settings or another model; delete it or use another --out folder");
    }

    /// <summary>Writes <c>sweep.json</c>, <c>sweep.csv</c> and <c>sweep-summary.csv</c> atomically.</summary>
    public static void Write(string folder, SweepFile file)
    {
        file.Save(folder);
        var curve = new StringBuilder("norm,encoding,reset,alpha,t,accuracy,ann_accuracy,sops_per_image,energy_pj\n");
        foreach (var cell in file.Cells)
            foreach (var run in cell.Runs)
            {
                var result = run.Result.ToResult();
                for (int t = 1; t <= result.Steps; t++)
                    curve.Append(SimulationReport.Csv(Word(cell.Norm), Word(cell.Encoding), Word(run.Reset), run.Alpha, t, result.AccuracyAt(t),
                        file.AnnAccuracy, result.SynapticOpsPerSample(t).Sum(), EnergyModel.Snn(result, cell.Encoding, t)));
            }
        AtomicFile.WriteAllText(Path.Combine(folder, CsvFile), curve.ToString());

        var summary = new StringBuilder("norm,encoding,reset,alpha,ann_accuracy,final_accuracy,steps,"
            + string.Join(",", Latency.Margins.Select(m => $"steps_to_ann_minus_{SweepSummary.Key(m)}"))
            + "," + string.Join(",", Latency.Margins.Select(m => $"speedup_over_hard_{SweepSummary.Key(m)}"))
            + ",ann_macs,energy_ann_pj,sops_at_ann_minus_1,energy_snn_pj_at_ann_minus_1,sops_final,energy_snn_pj_final\n");
        foreach (var s in SweepSummary.Of(file))
            summary.Append(SimulationReport.Csv([Word(s.Norm), Word(s.Encoding), Word(s.Reset), s.Alpha, s.AnnAccuracy, s.FinalAccuracy, s.Steps,
                .. Latency.Margins.Select(m => (object?)s.StepsToAnnMinus[SweepSummary.Key(m)]),
                .. Latency.Margins.Select(m => (object?)s.SpeedupOverHard?[SweepSummary.Key(m)]),
                s.AnnMacs, s.EnergyAnnPicojoules, s.SopsAtAnnMinus1, s.EnergySnnPicojoulesAtAnnMinus1, s.SopsFinal, s.EnergySnnPicojoulesFinal]));
        AtomicFile.WriteAllText(Path.Combine(folder, SummaryFile), summary.ToString());
    }
}
