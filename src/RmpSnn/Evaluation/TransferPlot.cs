using RmpSnn.Snn;
using ScottPlot;

namespace RmpSnn.Evaluation;

/// <summary>
/// Figure of the simulated neuron transfer curve: rate × V_th against the constant input current, for hard and soft reset
/// at several T, with the ReLU (the ANN's activation, clipped at V_th) as the dashed target.
/// </summary>
public static class TransferPlot
{
    /// <summary>The T values drawn by default.</summary>
    public static readonly int[] DefaultSteps = [8, 32, 128];

    /// <summary>Simulates the neuron (<see cref="TransferCurve"/>) and writes the PNG.</summary>
    public static void Save(string path, IReadOnlyList<int>? steps = null)
    {
        var currents = TransferCurve.Currents();
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int colour = 0;
        foreach (int t in steps ?? DefaultSteps)
        {
            var color = palette.GetColor(colour++);
            foreach (var reset in new[] { ResetMode.Soft, ResetMode.Hard })
            {
                var line = plot.Add.ScatterLine(currents, TransferCurve.Measure(reset, t, currents));
                line.LegendText = $"{reset.ToString().ToLowerInvariant()}, T={t}";
                line.Color = color;
                line.LineWidth = 2;
                line.LinePattern = reset == ResetMode.Soft ? LinePattern.Solid : LinePattern.Dotted;
            }
        }
        var relu = plot.Add.ScatterLine(currents, currents.Select(c => Math.Min(c, 1)).ToArray());
        relu.LegendText = "ReLU, clipped at V_th";
        relu.Color = Colors.Black;
        relu.LinePattern = LinePattern.Dashed;
        plot.Title("IF neuron transfer curve (simulated, V_th = 1)");
        plot.XLabel("constant input current I / V_th");
        plot.YLabel("output rate × V_th (spikes per step)");
        plot.ShowLegend(Alignment.UpperLeft);
        PlotFile.Save(plot, path);
    }
}
