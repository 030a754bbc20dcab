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
/// <item><b>Bias and potential correction</b>, layer by layer in topological order with the earlier layers already
/// corrected: the SNN runs T₂ = <see cref="HorizonScale"/>·T steps on the calibration images, and each channel's mean
/// error e (ANN activation mean − SNN output mean, rate·V_th over images and positions) is measured over the first T₁ = T
/// steps and over all T₂. A current shift s added every step moves the mean by s at any horizon; a charge p added to V(0)
/// leaves as spikes within the run and moves the mean over T steps by p/T. The correction is the (s, p) with
/// s + p/T = e at both horizons, so the steady error and the start-up error are each removed by the term that removes
/// it. With one correction alone: s = e(T₂) (the steady error), or p = T₁·e(T₁).</item>
/// </list>
/// Only training-split images are meant to be used: callers pass the calibration split, never the evaluated one.
/// </summary>
public static class PostTrainingCalibration
{
    /// <summary>The search runs the quantiser at T′ = ⌈T × this⌉.</summary>
    public const double SearchScale = 0.5;
    /// <summary>The corrections are fitted to the mean error over T and over T × this steps.</summary>
    public const int HorizonScale = 2;
    /// <summary>At most this many activation values per layer enter the search (a seeded random subset beyond).</summary>
    public const int SearchValues = 2_000_000;

    /// <summary>
    /// Clips (the thresholds of IF neurons) of every IF layer of <paramref name="snn"/> by quantisation-error search for
    /// <paramref name="steps"/> steps of neurons that emit up to <paramref name="maxBurst"/> spikes per step: Γ·T′ levels.
    /// </summary>
    public static Dictionary<string, float> SearchThresholds(SpikingNetwork snn, Network ann, ImageDataset images, Normalization normalization,
        int steps, int batchSize, int seed, Device device, MaxPoolMode maxPool, int maxBurst = 1)
    {
        var stats = AnnStatistics.Collect(snn, ann, images, normalization, batchSize, seed, device, maxPool);
        try
        {
            int quantised = Math.Max(1, (int)Math.Ceiling(steps * SearchScale)) * maxBurst;
            return snn.Neurons.ToDictionary(n => n.Name, n => Search(stats.Values[n.Name], stats.Max[n.Name], quantised));
        }
        finally { stats.Dispose(); }
    }

    /// <summary>
    /// Bias and potential corrections of every IF layer of <paramref name="snn"/> (thresholds set, the neuron options of the
    /// run, typically soft reset with V(0) = V_th/2), for <paramref name="steps"/> steps of direct input.
    /// </summary>
    public static Dictionary<string, LayerCorrection> Correct(SpikingNetwork snn, Network ann, ImageDataset images, Normalization normalization,
        int steps, int batchSize, int chunkSteps, Device device, MaxPoolMode maxPool, bool biasCorrection = true, bool potentialCorrection = true, int? workers = null)
    {
        var stats = AnnStatistics.Collect(snn, ann, images, normalization, batchSize, seed: 0, device, maxPool);
        try
        {
            var corrections = new Dictionary<string, LayerCorrection>();
            int[] horizons = [steps, steps * HorizonScale];
            foreach (var layer in snn.Neurons)
            {
                var annMean = stats.ChannelMeans[layer.Name];
                var snnMeans = SnnChannelMeans(snn, layer, images, horizons, batchSize, chunkSteps, device, workers);
                var (shift, potential) = Fit(Subtract(annMean, snnMeans[0]), Subtract(annMean, snnMeans[1]), horizons[0], horizons[1],
                    biasCorrection, potentialCorrection);
                corrections[layer.Name] = new LayerCorrection(shift, potential);
                snn.SetCorrections(corrections);
            }
            return corrections;
        }
        finally { stats.Dispose(); }
    }

    /// <summary>
    /// Per channel, the current shift s and V(0) charge p with s + p/T = e(T) at <paramref name="t1"/> and
    /// <paramref name="t2"/>; with <paramref name="bias"/> alone s = e(T₂), with <paramref name="potential"/> alone p = T₁·e(T₁).
    /// </summary>
    static (float[] Shift, float[] Potential) Fit(double[] e1, double[] e2, int t1, int t2, bool bias, bool potential)
    {
        var shift = new float[e1.Length];
        var charge = new float[e1.Length];
        for (int c = 0; c < e1.Length; c++)
            (shift[c], charge[c]) = (bias, potential) switch
            {
                (true, true) => ((float)((t2 * e2[c] - t1 * e1[c]) / (t2 - t1)), (float)((e1[c] - e2[c]) * t1 * t2 / (t2 - t1))),
                (true, false) => ((float)e2[c], 0f),
                (false, true) => (0f, (float)(t1 * e1[c])),
                _ => (0f, 0f),
            };
        return (shift, charge);
    }

    static double[] Subtract(double[] a, double[] b) => a.Zip(b, (x, y) => x - y).ToArray();

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

    /// <summary>
    /// Mean output (rate × V_th) of <paramref name="layer"/> per channel over the images, positions and the first T steps,
    /// for each T in <paramref name="horizons"/> (ascending; one run of the longest), computed by <paramref name="workers"/>
    /// replicas (null: LibTorch's thread count) on parts of each batch. Each image's sums are added in image order, so
    /// neither the batch size nor the workers change a bit of the result.
    /// </summary>
    internal static double[][] SnnChannelMeans(SpikingNetwork snn, IfLayer layer, ImageDataset images, int[] horizons, int batchSize,
        int chunkSteps, Device device, int? workers = null)
    {
        var sums = horizons.Select(_ => new double[layer.Channels]).ToArray();
        using var noGrad = no_grad();
        using (var pool = new BatchWorkers(device, workers, batchSize))
        {
            var replicas = pool.Replicas(snn);
            foreach (var batch in images.Batches(batchSize, Normalization.Identity(images.Channels), device))
            {
                using var _ = batch;
                var perImage = new double[horizons.Length, batch.Size, layer.Channels];
                pool.Run(batch, (w, part) => AddImageSums(replicas[w], layer.Name, part, horizons, chunkSteps, perImage, pool.Start(w, batch.Size)));
                for (int h = 0; h < horizons.Length; h++)
                    for (int i = 0; i < batch.Size; i++)
                        for (int c = 0; c < layer.Channels; c++) sums[h][c] += perImage[h, i, c];
            }
        }
        snn.ResetState();
        long positions = layer.NeuronsPerSample / layer.Channels;
        return sums.Select((s, h) => s.Select(v => v / ((double)positions * horizons[h] * images.Count)).ToArray()).ToArray();
    }

    /// <summary>
    /// Adds each image's output sums per channel over positions and the first T steps, T in <paramref name="horizons"/>,
    /// into <paramref name="perImage"/> [horizon, image, channel] from image <paramref name="row"/>.
    /// </summary>
    static void AddImageSums(SpikingNetwork snn, string layerName, Batch part, int[] horizons, int chunkSteps, double[,,] perImage, int row)
    {
        var layer = snn.Neurons.First(n => n.Name == layerName);
        snn.ResetState();
        for (int first = 0, next = 0; first < horizons[^1]; )
        {
            using var scope = NewDisposeScope();
            while (horizons[next] <= first) next++;
            int k = Math.Min(chunkSteps, horizons[next] - first);   // a chunk never crosses a horizon
            var frames = InputEncoder.Encode(InputCoding.Direct, part.Images, first, k, 0, part.Ids);
            var context = new StepContext(k, part.Size, first);
            var output = layer.Forward(snn.CurrentInto(layer, frames, context), null, context).view(k, part.Size, layer.Channels, -1);
            var imageSums = output.sum(3, type: ScalarType.Float64).sum(dim: 0).cpu().data<double>().ToArray();
            first += k;
            for (int h = next; h < horizons.Length; h++)
                for (int i = 0; i < part.Size; i++)
                    for (int c = 0; c < layer.Channels; c++) perImage[h, row + i, c] += imageSums[i * layer.Channels + c];
        }
    }
}
