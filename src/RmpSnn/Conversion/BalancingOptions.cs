using RmpSnn.Snn;

namespace RmpSnn.Conversion;

/// <summary>Calibration settings of <see cref="ThresholdBalancer"/>.</summary>
/// <param name="Mode">Balancing strategy.</param>
/// <param name="CalibrationImages">Images used to balance (taken from the start of the calibration set).</param>
/// <param name="CalibrationSteps">T_cal: steps simulated during spike balancing.</param>
/// <param name="Percentile">Percentile for <see cref="NormMode.ActPct"/>, in (0, 100].</param>
/// <param name="Encoding">Input coding used while balancing (spike mode).</param>
/// <param name="Seed">Seed of the calibration spikes.</param>
/// <param name="BatchSize">Images processed together while balancing.</param>
/// <param name="ChunkSteps">Steps run layer by layer in one pass during spike balancing (memory ∝ chunk × batch).</param>
/// <param name="SharedFrom">
/// Null: every reset mode is balanced in its own SNN (spike balancing then gives hard reset lower deep-layer thresholds).
/// A mode: balance once in that mode's SNN and give all reset modes the same thresholds, to compare resets at equal V_th.
/// </param>
/// <param name="BiasCorrection">With <see cref="NormMode.Calibrated"/> or <see cref="NormMode.Qcfs"/>: apply the layer-wise
/// bias correction (<see cref="PostTrainingCalibration.Correct"/>) for T_cal steps.</param>
/// <param name="PotentialCorrection">With <see cref="NormMode.Calibrated"/> or <see cref="NormMode.Qcfs"/>: apply the
/// layer-wise potential correction.</param>
/// <param name="Workers">Parts of each calibration batch simulated at once by replicas of the SNN (spike balancing and the
/// corrections), as <see cref="ExecutionOptions.Workers"/>: null for LibTorch's thread count on the CPU. It changes no number.</param>
/// <param name="Signed">Calibrate signed neurons (<see cref="Snn.NeuronOptions.Signed"/>), which the converted model then records.</param>
/// <param name="MaxBurst">Calibrate burst neurons of at most this many spikes per step (<see cref="Snn.NeuronOptions.MaxBurst"/>; 1: IF
/// neurons), which the converted model then records. Every norm's threshold becomes its clip / Γ, so that Γ·V_th, the most a
/// neuron passes in one step, is the clip it chose; the threshold search quantises at Γ·T′ levels.</param>
public sealed record BalancingOptions(
    NormMode Mode = NormMode.Spike,
    int CalibrationImages = 100,
    int CalibrationSteps = 128,
    double Percentile = 99.9,
    InputCoding Encoding = InputCoding.Poisson,
    int Seed = 0,
    int BatchSize = 100,
    int ChunkSteps = 1,
    ResetMode? SharedFrom = null,
    bool BiasCorrection = true,
    bool PotentialCorrection = true,
    int? Workers = null,
    bool Signed = false,
    int MaxBurst = 1)
{
    /// <summary>The corrections a calibrated or QCFS conversion applies, e.g. <c>bias+potential</c> (null for other norms).</summary>
    public string? CorrectionKinds => Mode is NormMode.Calibrated or NormMode.Qcfs
        ? string.Join("+", new[] { BiasCorrection ? "bias" : null, PotentialCorrection ? "potential" : null }.OfType<string>())
        : null;

    /// <summary>True when the conversion calibrates corrections: a calibrated or QCFS conversion with at least one of them.</summary>
    public bool Corrects => Mode is NormMode.Calibrated or NormMode.Qcfs && (BiasCorrection || PotentialCorrection);

    /// <summary>Checks ranges; throws <see cref="RmpSnnException"/> naming the option.</summary>
    public BalancingOptions Validate()
    {
        if (CalibrationImages <= 0) throw new RmpSnnException($"--calib-images {CalibrationImages}: expected a positive number of images");
        if (CalibrationSteps <= 0) throw new RmpSnnException($"--calib-steps {CalibrationSteps}: expected a positive number of steps");
        if (BatchSize <= 0) throw new RmpSnnException($"--batch {BatchSize}: expected a positive batch size");
        if (Workers <= 0) throw new RmpSnnException($"workers {Workers}: expected a positive number of worker threads");
        if (ChunkSteps <= 0) throw new RmpSnnException($"--chunk {ChunkSteps}: expected a positive number of steps per chunk");
        if (!(Percentile is > 0 and <= 100)) throw new RmpSnnException($"--percentile {Percentile}: expected a value in (0, 100]");
        return this;
    }
}
