using RmpSnn.Evaluation;
using RmpSnn.Snn;

namespace RmpSnn.Experiments;

/// <summary>
/// The figures of a sweep, written into its folder: per (norm, encoding) accuracy vs T (hard vs soft at the largest α) and
/// spike rates per layer; per (reset, norm, encoding) accuracy vs T for every α; steps to ANN − 1 % against α; and the
/// simulated neuron transfer curve.
/// </summary>
public static class SweepFigures
{
    /// <summary>Writes every figure; returns the file names.</summary>
    public static IReadOnlyList<string> Save(string folder, SweepFile file)
    {
        var written = new List<string>();
        void Add(string name, Action<string> save) { save(Path.Combine(folder, name)); written.Add(name); }
        double alpha = file.Settings.Alphas.Max();
        string images = $"{file.DatasetName}, {file.Settings.Images} images";
        foreach (var cell in file.Cells)
        {
            string tag = $"{Sweep.Word(cell.Norm)}-{Sweep.Word(cell.Encoding)}";
            var top = cell.Runs.Where(r => r.Alpha == alpha).ToArray();
            Add($"accuracy-{tag}.png", path => AccuracyPlot.Save(path, top.Select(r => r.Result.ToResult()).ToArray(), file.AnnAccuracy,
                $"{file.Arch}, {images}: {cell.Norm} norm, {Sweep.Word(cell.Encoding)} input"));
            var first = top[0].Result;
            Add($"spike-rates-{tag}.png", path => SpikeRatePlot.Save(path, first.NeuronLayers.Select(l => l.Name).ToArray(),
                top.Select(r => (r.Result.Label, r.Result.ToResult().SpikeRates())).ToArray(),
                $"spikes per neuron per step over T = {file.Settings.Steps}: {cell.Norm} norm, {Sweep.Word(cell.Encoding)} input"));
            foreach (var reset in file.Settings.Resets)
                Add($"alpha-{Sweep.Word(reset)}-{tag}.png", path => AccuracyPlot.Save(path,
                    cell.Runs.Where(r => r.Reset == reset).Select(r => r.Result.ToResult()).ToArray(), file.AnnAccuracy,
                    $"threshold scaling, {Sweep.Word(reset)} reset: {cell.Norm} norm, {Sweep.Word(cell.Encoding)} input"));
        }
        Add("steps-vs-alpha.png", path => LatencyPlot.Save(path, file.Cells.SelectMany(cell => file.Settings.Resets.Select(reset =>
            ($"{cell.Name} {Sweep.Word(reset)}", cell.Name, reset == ResetMode.Hard,
             cell.Runs.Where(r => r.Reset == reset)
                 .Select(r => (r.Alpha, Latency.StepsTo(r.Result.ToResult(), file.AnnAccuracy, 1))).ToArray()))).ToArray(),
            $"steps to reach ANN − 1 % ({file.AnnAccuracy:F2} − 1), {images}; dotted = hard reset"));
        Add("transfer.png", path => TransferPlot.Save(path));
        return written;
    }
}
