using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Conversion;

/// <summary>The convert step end to end: balance thresholds for each reset mode, and compile ready-to-run SNNs from them.</summary>
public static class ConversionPipeline
{
    /// <summary>
    /// Converts <paramref name="ann"/> and balances it once per reset mode in <paramref name="resets"/>, or once in the
    /// SNN of <see cref="BalancingOptions.SharedFrom"/> with those thresholds given to every mode.
    /// </summary>
    public static BalancedThresholds Convert(string modelPath, Network ann, Normalization normalization, ImageDataset calibration,
        BalancingOptions balancing, IEnumerable<ResetMode> resets, ReadoutMode readout, MaxPoolMode maxPool, Device device)
    {
        var modes = resets.Distinct().ToArray();
        if (modes.Length == 0) throw new RmpSnnException("--reset: expected at least one reset mode (soft, hard)");
        var graph = Converter.Convert(ann, normalization, new ConversionOptions(readout, maxPool));
        var thresholds = new Dictionary<ResetMode, IReadOnlyDictionary<string, float>>();
        var corrections = new Dictionary<ResetMode, IReadOnlyDictionary<string, LayerCorrection>>();
        bool halfStart = balancing.Mode is NormMode.Qcfs or NormMode.Search or NormMode.Calibrated;
        foreach (var balanceIn in balancing.SharedFrom is { } shared ? [shared] : modes)
        {
            using var snn = SpikingNetwork.Compile(graph, ann.Spec, readout, new NeuronOptions(balanceIn, InitialPotential: halfStart ? 0.5f : 0f, Signed: balancing.Signed, MaxBurst: balancing.MaxBurst).Validate(),
                SimulationEngines.DefaultFor(device), device);
            var balanced = ThresholdBalancer.Balance(snn, ann, calibration, normalization, balancing, device, maxPool);
            foreach (var reset in balancing.SharedFrom is null ? [balanceIn] : modes) thresholds[reset] = balanced;
            if (!balancing.Corrects) continue;
            snn.SetThresholds(balanced);
            var corrected = PostTrainingCalibration.Correct(snn, ann, calibration.Take(balancing.CalibrationImages), normalization,
                balancing.CalibrationSteps, balancing.BatchSize, balancing.ChunkSteps, device, maxPool, balancing.BiasCorrection,
                balancing.PotentialCorrection, balancing.Workers);
            foreach (var reset in balancing.SharedFrom is null ? [balanceIn] : modes) corrections[reset] = corrected;
        }
        bool qcfs = balancing.Mode == NormMode.Qcfs;
        return new BalancedThresholds(Path.GetFullPath(modelPath), BalancedThresholds.Sha256(modelPath), ann.Spec.Arch, balancing.Mode,
            balancing.Percentile, qcfs && !balancing.Corrects ? 0 : Math.Min(balancing.CalibrationImages, calibration.Count), balancing.CalibrationSteps,
            halfStart ? InputCoding.Direct : balancing.Encoding, readout, maxPool, thresholds,
            halfStart ? InputCoding.Direct : InputCoding.Poisson, halfStart ? 0.5f : 0f, balancing.SharedFrom,
            corrections.Count > 0 ? corrections : null,
            balancing.CorrectionKinds, balancing.Signed, balancing.MaxBurst);
    }

    /// <summary>
    /// Compiles the SNN of a converted model for <paramref name="engine"/>; its IF layers have
    /// <paramref name="neurons"/> dynamics and no thresholds yet.
    /// </summary>
    public static SpikingNetwork Compile(Network ann, Normalization normalization, BalancedThresholds converted, NeuronOptions neurons,
        SimulationEngine engine, Device device) =>
        Compile(ann, normalization, new ConversionOptions(converted.Readout, converted.MaxPool), neurons, engine, device);

    /// <summary>
    /// Converts <paramref name="ann"/> with <paramref name="options"/> and compiles it for <paramref name="engine"/>;
    /// no thresholds yet.
    /// </summary>
    public static SpikingNetwork Compile(Network ann, Normalization normalization, ConversionOptions options, NeuronOptions neurons,
        SimulationEngine engine, Device device) =>
        SpikingNetwork.Compile(Converter.Convert(ann, normalization, options), ann.Spec, options.Readout, neurons, engine, device);

    /// <summary>
    /// One configuration of a compiled SNN: its own IF layers with <paramref name="neurons"/> dynamics, the stored
    /// thresholds × α and, for a calibrated model, its bias and potential corrections.
    /// </summary>
    public static SpikingNetwork Configure(SpikingNetwork compiled, BalancedThresholds converted, string convertedPath, NeuronOptions neurons,
        double alpha)
    {
        var snn = compiled.WithNeurons(neurons);
        snn.SetThresholds(ThresholdBalancer.Scale(converted.ThresholdsFor(neurons.Reset, compiled.Spec.Arch, convertedPath), alpha), convertedPath);
        snn.SetCorrections(converted.CorrectionsFor(neurons.Reset, convertedPath), convertedPath);
        return snn;
    }
}
