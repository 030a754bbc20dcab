using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Conversion;

/// <summary>The convert step end to end: balance thresholds for each reset mode, and rebuild ready-to-run SNNs from them.</summary>
public static class ConversionPipeline
{
    /// <summary>
    /// Converts <paramref name="ann"/> and balances it once per reset mode in <paramref name="resets"/>, or once in the
    /// SNN of <see cref="BalancingOptions.SharedFrom"/> with those thresholds given to every mode.
    /// </summary>
    public static ConvertedModel Convert(string modelPath, Network ann, Normalization normalization, ImageDataset calibration,
        BalancingOptions balancing, IEnumerable<ResetMode> resets, ReadoutMode readout, MaxPoolMode maxPool, Device device)
    {
        var thresholds = new Dictionary<ResetMode, float[]>();
        SpikingNetwork? snn = null;
        var modes = resets.Distinct().ToArray();
        if (modes.Length == 0) throw new RmpSnnException("--reset: expected at least one reset mode (soft, hard)");
        foreach (var balanceIn in balancing.SharedFrom is { } shared ? [shared] : modes)
        {
            snn = Converter.Convert(ann, normalization, new ConversionOptions(new NeuronOptions(balanceIn), readout, maxPool));
            var balanced = ThresholdBalancer.Balance(snn, ann, calibration, normalization, balancing, device, maxPool);
            foreach (var reset in balancing.SharedFrom is null ? [balanceIn] : modes) thresholds[reset] = balanced;
        }
        bool qcfs = balancing.Mode == NormMode.Qcfs;
        return new ConvertedModel(Path.GetFullPath(modelPath), ConvertedModel.Sha256(modelPath), ann.Spec.Arch, balancing.Mode,
            balancing.Percentile, qcfs ? 0 : Math.Min(balancing.CalibrationImages, calibration.Count), balancing.CalibrationSteps,
            balancing.Encoding, readout, maxPool, snn!.Neurons.Select(n => n.Name).ToArray(), thresholds,
            qcfs ? Encoding.Direct : Encoding.Poisson, qcfs ? 0.5f : 0f, balancing.SharedFrom);
    }

    /// <summary>Builds the SNN for one reset mode and threshold scale α from a converted model.</summary>
    public static SpikingNetwork Build(Network ann, Normalization normalization, ConvertedModel converted, string convertedPath,
        NeuronOptions neurons, double alpha)
    {
        var snn = Converter.Convert(ann, normalization, new ConversionOptions(neurons, converted.Readout, converted.MaxPool));
        snn.SetThresholds(ThresholdBalancer.Scale(converted.ThresholdsFor(neurons.Reset, snn, convertedPath), alpha));
        return snn;
    }
}
