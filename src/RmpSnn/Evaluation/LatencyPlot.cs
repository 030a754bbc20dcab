using ScottPlot;

namespace RmpSnn.Evaluation;

/// <summary>"Steps needed to reach ANN − x %" against the threshold scale α: one line per series (e.g. soft/hard per norm and encoding).
/// Series of the same <c>Group</c> share a colour; <c>Dotted</c> ones (hard reset) are drawn dotted.</summary>
public static class LatencyPlot
{
    /// <summary>One line per series; α values whose configuration never reached the target are left out of the line.</summary>
    public static void Save(string path, IReadOnlyList<(string Label, string Group, bool Dotted, (double Alpha, int? Steps)[] Points)> series,
        string title)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var colours = new Dictionary<string, Color>();
        foreach (var (label, group, dotted, points) in series)
        {
            var reached = points.Where(p => p.Steps is not null).OrderBy(p => p.Alpha).ToArray();
            if (reached.Length == 0) continue;
            if (!colours.TryGetValue(group, out var color)) colours[group] = color = palette.GetColor(colours.Count);
            var line = plot.Add.ScatterLine(reached.Select(p => p.Alpha).ToArray(), reached.Select(p => (double)p.Steps!.Value).ToArray());
            line.LegendText = label;
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = 7;
            line.LinePattern = dotted ? LinePattern.Dotted : LinePattern.Solid;
        }
        plot.Title(title);
        plot.XLabel("threshold scale α");
        plot.YLabel("time-steps");
        plot.ShowLegend(Alignment.UpperRight);
        PlotFile.Save(plot, path);
    }
}
