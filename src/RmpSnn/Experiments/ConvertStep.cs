using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Experiments;

/// <summary>
/// The convert step as <c>convert</c>, <c>simulate</c> and <c>demo</c> run it: calibration images, balancing, and the
/// file beside the model.
/// </summary>
public static class ConvertStep
{
    /// <summary>How to convert: the balancing, the reset modes to balance, readout and max-pooling.</summary>
    /// <param name="Balancing">Threshold balancing.</param>
    /// <param name="Resets">Reset modes to balance (each in its own SNN unless <see cref="BalancingOptions.SharedFrom"/>).</param>
    /// <param name="Readout">Output layer readout.</param>
    /// <param name="MaxPool">What max-pooling becomes.</param>
    public sealed record Plan(BalancingOptions Balancing, IReadOnlyList<ResetMode> Resets, ReadoutMode Readout = ReadoutMode.Potential,
        MaxPoolMode MaxPool = MaxPoolMode.Gate);

    /// <summary>
    /// Loads <paramref name="calibration"/>'s first images and balances <paramref name="ann"/> (stored at
    /// <paramref name="modelPath"/>).
    /// </summary>
    public static BalancedThresholds Convert(string modelPath, Network ann, ModelInfo info, DatasetSelection calibration, Plan plan, Device device,
        IProgress<WorkflowProgress>? progress = null)
    {
        var balancing = plan.Balancing;
        if (calibration.Split != "train")
            throw new RmpSnnException($"--split {calibration.Split}: calibration reads the training split only (without the images held out " +
                "by --val), never images that are evaluated; drop --split");
        bool clipsOnly = balancing.Mode == NormMode.Qcfs && !balancing.Corrects;   // reads no image
        var images = (calibration with { Limit = clipsOnly ? 1 : balancing.CalibrationImages }).Load();
        progress?.Report(new WorkflowProgress(balancing.Mode == NormMode.Qcfs
            ? $"taking thresholds from the QCFS clips{(balancing.Corrects ? $", calibrating corrections for T = {balancing.CalibrationSteps} on {images.Count} images" : "")}" +
              $"{(balancing.Signed && balancing.Corrects ? " with signed neurons" : "")}" :
            $"balancing thresholds ({balancing.Mode}, {images.Count} images" +
            $"{(balancing.Mode == NormMode.Spike ? $" × {balancing.CalibrationSteps} steps" : "")}, " +
            $"{string.Join("+", plan.Resets)}{(balancing.SharedFrom is { } shared ? $", balanced in the {shared} SNN and shared" : "")}" +
            $"{(NeuronOptions.KindOf(balancing.Signed, balancing.MaxBurst) is var kind && kind != "if" ? $", {kind} neurons" : "")})"));
        return ConversionPipeline.Convert(modelPath, ann, info.Normalization, images, balancing, plan.Resets, plan.Readout, plan.MaxPool, device);
    }

    /// <summary>
    /// The converted model at <paramref name="convertedPath"/> if it exists and was converted from this very model file (same
    /// SHA-256), else a new conversion saved there; returns it and whether it was created. With
    /// <paramref name="replaceStale"/> a file that does not fit (another model, an earlier version's format) is converted
    /// again instead of refused: for callers that own the file, as the demo does.
    /// </summary>
    /// <exception cref="RmpSnnException">The file belongs to another model (both files are named).</exception>
    public static (BalancedThresholds Converted, bool Created) LoadOrConvert(string convertedPath, string modelPath, Network ann, ModelInfo info,
        DatasetSelection calibration, Func<Plan> plan, Device device, IProgress<WorkflowProgress>? progress = null, bool replaceStale = false)
    {
        if (File.Exists(convertedPath))
        {
            try
            {
                return (Load(convertedPath, modelPath), false);
            }
            catch (RmpSnnException) when (replaceStale) { }
        }
        var converted = Convert(modelPath, ann, info, calibration, plan(), device, progress);
        converted.Save(convertedPath);
        return (converted, true);
    }

    /// <summary>
    /// Refuses to simulate an existing converted file that was balanced otherwise than the command line asks
    /// (<paramref name="balancing"/>): another norm, or for search and calibrated another target T.
    /// </summary>
    public static void RequireMatch(BalancedThresholds converted, string convertedPath, BalancingOptions balancing)
    {
        bool targeted = balancing.Mode is NormMode.Search or NormMode.Calibrated || balancing.Corrects;
        string? kinds = balancing.CorrectionKinds;
        if (converted.Norm != balancing.Mode || (targeted && converted.CalibrationSteps != balancing.CalibrationSteps)
            || (kinds is not null && converted.CorrectionKinds is { } stored && stored != kinds))
            throw new RmpSnnException($"{convertedPath}: converted with --norm {Sweep.Word(converted.Norm)}" +
                $"{(converted.Norm is NormMode.Search or NormMode.Calibrated || converted.Corrections is not null ? $" for T = {converted.CalibrationSteps}" : "")}, not " +
                $"{Sweep.Word(balancing.Mode)}{(targeted ? $" for T = {balancing.CalibrationSteps}" : "")} as asked; pass --converted " +
                "another file (it is created if missing) or delete this one");
    }

    /// <summary>Reads <paramref name="convertedPath"/> and checks that it was converted from <paramref name="modelPath"/> as it is now.</summary>
    public static BalancedThresholds Load(string convertedPath, string modelPath)
    {
        var converted = BalancedThresholds.Load(convertedPath);
        if (converted.ModelSha256 != BalancedThresholds.Sha256(modelPath))
            throw new RmpSnnException($"{convertedPath}: converted from {converted.ModelPath} (SHA-256 {converted.ModelSha256[..12]}…), " +
                $"not from {modelPath} as it is now; re-run 'rmpsnn convert {modelPath}' or pass that model's --converted file");
        return converted;
    }
}
