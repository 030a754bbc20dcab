using RmpSnn.Conversion;
using RmpSnn.Evaluation;
using RmpSnn.Snn;

namespace RmpSnn.Experiments;

/// <summary>
/// Derived numbers of one sweep configuration: latency (steps to ANN − x % for each <see cref="Latency.Margins"/>, soft reset's
/// speed-up over hard), activity and energy (<see cref="EnergyModel"/>) at ANN − 1 % and at the final T.
/// </summary>
public sealed record SweepSummary(
    NormMode Norm, InputCoding Encoding, ResetMode Reset, double Alpha,
    double AnnAccuracy, double FinalAccuracy, int Steps,
    IReadOnlyDictionary<string, int?> StepsToAnnMinus,
    IReadOnlyDictionary<string, double?>? SpeedupOverHard,
    double AnnMacs, double EnergyAnnPicojoules,
    double? SopsAtAnnMinus1, double SopsFinal,
    double? EnergySnnPicojoulesAtAnnMinus1, double EnergySnnPicojoulesFinal,
    IReadOnlyDictionary<string, double> SpikesPerNeuronPerStep,
    IReadOnlyDictionary<string, double> SopsPerLayerFinal)
{
    /// <summary>Margin key used in the dictionaries, e.g. <c>0.5</c>.</summary>
    public static string Key(double margin) => margin.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Summaries of every configuration of every finished cell, in file order.</summary>
    public static SweepSummary[] Of(SweepFile file) => file.Cells.SelectMany(cell => cell.Runs.Select(run =>
    {
        var result = run.Result.ToResult();
        var hard = run.Reset == ResetMode.Soft ? cell.Find(ResetMode.Hard, run.Alpha)?.Result.ToResult() : null;
        return Of(cell.Norm, cell.Encoding, run.Reset, run.Alpha, result, hard, file.AnnAccuracy);
    })).ToArray();

    /// <summary>The summary of one result; <paramref name="hard"/> (the hard-reset twin of a soft-reset run) gives the speed-up.</summary>
    public static SweepSummary Of(NormMode norm, InputCoding encoding, ResetMode reset, double alpha, SimulationResult result,
        SimulationResult? hard, double ann)
    {
        int? t1 = Latency.StepsTo(result, ann, 1);
        return new SweepSummary(norm, encoding, reset, alpha, ann, result.AccuracyAt(result.Steps), result.Steps,
            Latency.Margins.ToDictionary(Key, m => Latency.StepsTo(result, ann, m)),
            hard is null ? null : Latency.Margins.ToDictionary(Key, m => Latency.Speedup(hard, result, ann, m)),
            EnergyModel.AnnMacs(result), EnergyModel.Ann(result),
            t1 is { } a ? result.SynapticOpsPerSample(a).Sum() : null, result.SynapticOpsPerSample(result.Steps).Sum(),
            t1 is { } b ? EnergyModel.Snn(result, encoding, b) : null, EnergyModel.Snn(result, encoding, result.Steps),
            result.NeuronLayers.Zip(result.SpikeRates(), (l, r) => (l.Name, r)).ToDictionary(p => p.Name, p => p.r),
            result.WeightedLayers.Zip(result.SynapticOpsPerSample(result.Steps), (l, s) => (l.Name, s)).ToDictionary(p => p.Name, p => p.s));
    }
}
