using RmpSnn.Evaluation;
using Spectre.Console;

namespace RmpSnn.Cli;

/// <summary>Terminal tables of simulation results.</summary>
public static class SimulationTable
{
    /// <summary>Accuracy at T = 8, 16, 32, … (rows) for the ANN and every configuration (columns).</summary>
    public static void ShowAccuracy(IReadOnlyList<SimulationResult> results, double annAccuracy)
    {
        var table = new Table().Title("top-1 accuracy (%) after T steps").AddColumn("T").AddColumn("ANN");
        foreach (var r in results) table.AddColumn(Markup.Escape(r.Label));
        foreach (int t in SimulationReport.SummarySteps(results[0].Steps))
            table.AddRow([$"{t}", $"{annAccuracy:F2}", .. results.Select(r => $"{r.AccuracyAt(t):F2}")]);
        table.AddRow(["steps to ANN−1%", "", .. results.Select(r => r.StepsToReach(annAccuracy - 1)?.ToString() ?? $"> {r.Steps}")]);
        AnsiConsole.Write(table);
    }

    /// <summary>Spikes per neuron per step (rows = neuron layers) and total synaptic operations per image.</summary>
    public static void ShowActivity(IReadOnlyList<SimulationResult> results)
    {
        var table = new Table().Title($"spikes per neuron per step (over T = {results[0].Steps})").AddColumn("layer").AddColumn("neurons");
        foreach (var r in results) table.AddColumn(Markup.Escape(r.Label));
        var rates = results.Select(r => r.SpikeRates()).ToArray();
        for (int i = 0; i < results[0].NeuronLayers.Count; i++)
            table.AddRow([results[0].NeuronLayers[i].Name, $"{results[0].NeuronLayers[i].Size:N0}", .. rates.Select(r => r[i].ToString("F4"))]);
        table.AddRow(["SOPs / image", $"MACs {results[0].WeightedLayers.Sum(l => l.Size):G3}",
            .. results.Select(r => r.SynapticOpsPerSample(r.Steps).Sum().ToString("G3"))]);
        AnsiConsole.Write(table);
    }
}
