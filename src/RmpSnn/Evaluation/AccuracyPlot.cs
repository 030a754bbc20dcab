using ScottPlot;

namespace RmpSnn.Evaluation;

/// <summary>Accuracy-vs-T figure (log-scaled T axis): one line per configuration, the ANN as a dashed reference line.</summary>
public static class AccuracyPlot
{
    /// <summary>Renders the figure to a PNG at <paramref name="path"/> (written atomically).</summary>
    public static void Save(string path, IReadOnlyList<SimulationResult> results, double? annAccuracy, string title)
    {
        var plot = new Plot();
        foreach (var result in results)
        {
            double[] t = Enumerable.Range(1, result.Steps).Select(s => Math.Log10(s)).ToArray();
            double[] accuracy = Enumerable.Range(1, result.Steps).Select(result.AccuracyAt).ToArray();
            var line = plot.Add.ScatterLine(t, accuracy);
            line.LegendText = result.Label;
            line.LineWidth = 2;
        }
        if (annAccuracy is { } ann)
        {
            var reference = plot.Add.HorizontalLine(ann);
            reference.LinePattern = LinePattern.Dashed;
            reference.LegendText = $"ANN ({ann:F2}%)";
            reference.LineColor = Colors.Black;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => Math.Pow(10, v).ToString("N0"),
        };
        plot.Title(title);
        plot.XLabel("time-steps T");
        plot.YLabel("top-1 accuracy (%)");
        plot.Axes.SetLimitsY(0, 100);
        plot.ShowLegend(Alignment.LowerRight);
        PlotFile.Save(plot, path);
    }
}
