using TorchSharp;
using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Conversion;

/// <summary>
/// Post-training calibration for a target number of steps T (Li et al., ICML 2021, "A free lunch from ANN"; Deng &amp; Gu
/// 2021 and Bu et al. 2022 for V(0) = V_th/2), on calibration images with direct input:
/// <list type="number">
/// <item><b>Threshold search</b> (<see cref="NormMode.Search"/>): per IF layer, V_th = f·max(a) with f on a grid 0.05…1.00
/// (step 0.01) minimising Σ (a − q(a))² over the layer's ANN activations a, where q(a) = V_th/T′·clamp(⌊a·T′/V_th + ½⌋, 0, T′)
/// is the rate a soft-reset IF neuron starting at V_th/2 reaches on a constant current, at T′ = ⌈T·<see cref="SearchScale"/>⌉
/// (0.5 by default: a lower T′ clips less, which measured better than T′ = T on the pretrained ResNet-20).</item>
/// <item><b>Bias correction</b>, layer by layer in topological order with the earlier layers already corrected: the SNN
/// runs T steps on the calibration images and each channel's mean output (rate·V_th over images, positions and steps)
/// is compared with the ANN activation's; the difference is added to the layer's input current every step.</item>
/// <item><b>Potential correction</b>: with the bias corrected, the remaining per-channel mean error e is measured again and
/// T·e is added to V(0), so that the extra charge leaves as spikes within the T steps.</item>
/// </list>
/// Only training-split images are meant to be used: callers pass the calibration split, never the evaluated one.
/// </summary>
public static class PostTrainingCalibration
{
    /// <summary>The search runs the quantiser at T′ = ⌈T × this⌉.</summary>
    public const double SearchScale = 0.5;
    /// <summary>At most this many activation values per layer enter the search (a seeded random subset beyond).</summary>
    public const int SearchValues = 2_000_000;

    /// <summary>Thresholds of every IF layer of <paramref name="snn"/> by quantisation-error search for <paramref name="steps"/> steps.</summary>
    public static Dictionary<string, float> SearchThresholds(SpikingNetwork snn, Network ann, ImageDataset images, Normalization normalization,
        int steps, int batchSize, int seed, Device device, MaxPoolMode maxPool)
    {
        var stats = AnnStatistics.Collect(snn, ann, images, normalization, batchSize, seed, device, maxPool);
        try
        {
            int quantised = Math.Max(1, (int)Math.Ceiling(steps * SearchScale));
            return snn.Neurons.ToDictionary(n => n.Name, n => Search(stats.Values[n.Name], stats.Max[n.Name], quantised));
        }
        finally { stats.Dispose(); }
    }

    /// <summary>
    /// Bias and potential corrections of every IF layer of <paramref name="snn"/> (thresholds set, the neuron options of the
    /// run, typically soft reset with V(0) = V_th/2), for <paramref name="steps"/> steps of direct input.
    /// </summary>
    public static Dictionary<string, LayerCorrection> Correct(SpikingNetwork snn, Network ann, ImageDataset images, Normalization normalization,
        int steps, int batchSize, int chunkSteps, Device device, MaxPoolMode maxPool, bool biasCorrection = true, bool potentialCorrection = true)
    {
        var stats = AnnStatistics.Collect(snn, ann, images, normalization, batchSize, seed: 0, device, maxPool);
        try
        {
            var corrections = new Dictionary<string, LayerCorrection>();
            foreach (var layer in snn.Neurons)
            {
                var annMean = stats.ChannelMeans[layer.Name];
                var shift = new float[annMean.Length];
                if (biasCorrection)
                {
                    var error = Subtract(annMean, SnnChannelMeans(snn, layer, images, steps, batchSize, chunkSteps, device));
                    shift = error;
                    Set(snn, corrections, layer, shift, new float[shift.Length]);
                }
                if (potentialCorrection)
                {
                    var error = Subtract(annMean, SnnChannelMeans(snn, layer, images, steps, batchSize, chunkSteps, device));
                    Set(snn, corrections, layer, shift, error.Select(e => e * steps).ToArray());
                }
            }
            return corrections;
        }
        finally { stats.Dispose(); }
    }

    static void Set(SpikingNetwork snn, Dictionary<string, LayerCorrection> corrections, IfLayer layer, float[] shift, float[] potential)
    {
        corrections[layer.Name] = new LayerCorrection(shift, potential);
        snn.SetCorrections(corrections);
    }

    static float[] Subtract(double[] a, double[] b) => a.Zip(b, (x, y) => (float)(x - y)).ToArray();

    /// <summary>The V_th on the grid f·max minimising the quantisation error of <paramref name="values"/> at <paramref name="steps"/>.</summary>
    static float Search(Tensor values, float max, int steps)
    {
        if (max <= 0) return 1e-6f;
        float best = max;
        double bestError = double.PositiveInfinity;
        using Scalar t = steps, half = 0.5, zero = 0;
        for (int i = 5; i <= 100; i++)
        {
            float threshold = max * i / 100f;
            using var scope = NewDisposeScope();
            using Scalar scale = steps / threshold, step = threshold / steps;
            var quantised = values.mul(scale).add_(half).floor_().clamp_(zero, t).mul_(step);
            var difference = quantised.sub_(values);
            double error = difference.mul_(difference).sum(type: ScalarType.Float64).item<double>();
            if (error < bestError) (best, bestError) = (threshold, error);
        }
        return best;
    }

    /// <summary>Mean output (rate × V_th) of <paramref name="layer"/> per channel over the images, positions and T steps.</summary>
    internal static double[] SnnChannelMeans(SpikingNetwork snn, IfLayer layer, ImageDataset images, int steps, int batchSize, int chunkSteps, Device device)
    {
        var sums = new double[layer.Channels];
        long perChannel = 0;
        using var noGrad = no_grad();
        foreach (var batch in images.Batches(batchSize, Normalization.Identity(images.Channels), device))
        {
            using var _ = batch;
            snn.ResetState();
            for (int first = 0; first < steps; first += chunkSteps)
            {
                using var scope = NewDisposeScope();
                int k = Math.Min(chunkSteps, steps - first);
                var frames = InputEncoder.Encode(InputCoding.Direct, batch.Images, first, k, 0, batch.Ids);
                var context = new StepContext(k, batch.Size, first);
                var output = layer.Forward(snn.CurrentInto(layer, frames, context), null, context);
                var byChannel = output.transpose(0, 1).reshape(layer.Channels, -1);
                perChannel += byChannel.shape[1];
                var channelSums = byChannel.sum(1, type: ScalarType.Float64).cpu().data<double>().ToArray();
                for (int c = 0; c < sums.Length; c++) sums[c] += channelSums[c];
            }
        }
        snn.ResetState();
        return sums.Select(s => s / perChannel).ToArray();
    }
}
