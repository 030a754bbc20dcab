using ScottPlot;

namespace RmpSnn.Evaluation;

/// <summary>Grouped bars of spikes per neuron per step for each neuron layer, one colour per configuration (e.g. hard vs soft).</summary>
public static class SpikeRatePlot
{
    /// <summary>Renders the figure; every series has one rate per name in <paramref name="layers"/>.</summary>
    public static void Save(string path, IReadOnlyList<string> layers, IReadOnlyList<(string Label, double[] Rates)> series, string title)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double width = 0.8 / series.Count;
        for (int s = 0; s < series.Count; s++)
        {
            var color = palette.GetColor(s);
            var bars = series[s].Rates.Select((rate, layer) => new Bar
            {
                Position = layer - 0.4 + width * (s + 0.5), Value = rate, Size = width * 0.95, FillColor = color, LineWidth = 0,
            }).ToList();
            plot.Add.Bars(bars);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Label, FillColor = color });
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, layers.Count).Select(i => (double)i).ToArray(), [.. layers]);
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.XLabel("neuron layer");
        plot.YLabel("spikes per neuron per step");
        plot.ShowLegend(Alignment.UpperRight);
        PlotFile.Save(plot, path);
    }
}
