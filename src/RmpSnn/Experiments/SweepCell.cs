using RmpSnn.Conversion;
using RmpSnn.Evaluation;
using RmpSnn.Snn;

namespace RmpSnn.Experiments;

/// <summary>One simulated configuration of a sweep cell: reset mode, threshold scale α and its raw result.</summary>
public sealed record SweepRun(ResetMode Reset, double Alpha, StoredResult Result);

/// <summary>
/// One unit of sweep work: a (norm, encoding) pair, balanced once and simulated with every (reset × α) configuration
/// together on the same input spikes.
/// </summary>
/// <param name="Norm">Threshold balancing.</param>
/// <param name="Encoding">Input coding (of the simulation and, for spike balancing, of the calibration).</param>
/// <param name="Converted">File name of the cached converted model in the sweep folder.</param>
/// <param name="Seconds">Wall time of the cell (balancing + simulation).</param>
/// <param name="Runs">The configurations, resets outer and α inner.</param>
public sealed record SweepCell(NormMode Norm, InputCoding Encoding, string Converted, double Seconds, SweepRun[] Runs)
{
    /// <summary>Cell name, e.g. <c>spike/poisson</c>.</summary>
    public string Name => CellName(Norm, Encoding);

    /// <summary>The name of the (norm, encoding) cell.</summary>
    public static string CellName(NormMode norm, InputCoding encoding) => $"{Sweep.Word(norm)}/{Sweep.Word(encoding)}";

    /// <summary>The run of (<paramref name="reset"/>, <paramref name="alpha"/>), or null.</summary>
    public SweepRun? Find(ResetMode reset, double alpha) => Runs.FirstOrDefault(r => r.Reset == reset && r.Alpha == alpha);
}
