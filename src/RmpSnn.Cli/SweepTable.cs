using RmpSnn.Evaluation;
using RmpSnn.Experiments;
using Spectre.Console;

namespace RmpSnn.Cli;

/// <summary>Terminal tables of a sweep: accuracy at T = 8, 16, …, and latency, speed-up and energy per configuration.</summary>
public static class SweepTable
{
    /// <summary>Prints both tables for every finished configuration of <paramref name="file"/>.</summary>
    public static void Show(SweepFile file)
    {
        var summaries = SweepSummary.Of(file);
        var runs = file.Cells.SelectMany(c => c.Runs.Select(r => r.Result.ToResult())).ToArray();
        int[] steps = SimulationReport.SummarySteps(file.Settings.Steps);
        var accuracy = Columns(new Table().Title($"top-1 accuracy (%) after T steps; ANN {file.AnnAccuracy:F2} on {file.Settings.Images} images"));
        foreach (int t in steps) accuracy.AddColumn($"T={t}", c => c.RightAligned());
        for (int i = 0; i < runs.Length; i++) accuracy.AddRow([.. Key(summaries[i]), .. steps.Select(t => $"{runs[i].AccuracyAt(t):F2}")]);
        AnsiConsole.Write(accuracy);

        var latency = Columns(new Table().Title($"latency and energy per image (E_ANN = {EnergyModel.MacPicojoules} pJ × MACs; " +
            $"E_SNN = {EnergyModel.SopPicojoules} pJ × SOPs, direct input: first layer {EnergyModel.MacPicojoules} pJ × MACs × T)"));
        foreach (double m in Latency.Margins) latency.AddColumn($"T to ANN−{m}%", c => c.RightAligned());
        foreach (var name in new[] { "soft speed-up (−1%)", "SOPs @ANN−1%", "E_SNN µJ @ANN−1%", $"E_SNN µJ @T={file.Settings.Steps}",
            "E_ANN µJ" })
            latency.AddColumn(name, c => c.RightAligned());
        foreach (var s in summaries)
            latency.AddRow([.. Key(s),
                .. Latency.Margins.Select(m => s.StepsToAnnMinus[SweepSummary.Key(m)]?.ToString() ?? $"> {s.Steps}"),
                s.SpeedupOverHard is null ? "" : s.SpeedupOverHard[SweepSummary.Key(1)] is { } x ? $"{x:F2}×" : "-",
                s.SopsAtAnnMinus1?.ToString("G3") ?? "-", Micro(s.EnergySnnPicojoulesAtAnnMinus1), Micro(s.EnergySnnPicojoulesFinal),
                Micro(s.EnergyAnnPicojoules)]);
        AnsiConsole.Write(latency);
    }

    static Table Columns(Table table) => table.AddColumn("norm").AddColumn("encoding").AddColumn("reset").AddColumn("α");

    static string[] Key(SweepSummary s) => [Sweep.Word(s.Norm), Sweep.Word(s.Encoding), Sweep.Word(s.Reset), $"{s.Alpha:0.###}"];

    static string Micro(double? picojoules) => picojoules is { } pj ? (pj / 1e6).ToString("G3") : "-";
}
