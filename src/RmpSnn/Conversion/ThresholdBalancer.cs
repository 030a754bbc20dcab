using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Conversion;

/// <summary>
/// Sets the firing threshold of every IF layer of a converted network (before threshold scaling by α):
/// <list type="bullet">
/// <item><see cref="NormMode.Spike"/> (the paper): the calibration images are simulated for T_cal steps, layer by layer
/// — all T_cal steps of one layer before the next — and each layer takes V_th = max input current it receives, with every
/// earlier layer already balanced and spiking. In a residual block the main-path layers are balanced first; the junction
/// then takes the max of (main-path current + shortcut current), the shortcut carrying the block input's spikes
/// (amplitude = the previous layer's V_th), so both paths are balanced in the same units.</item>
/// <item><see cref="NormMode.ActMax"/> / <see cref="NormMode.ActPct"/>: V_th = max, or p-th percentile of the non-zero
/// values, of the matching ANN ReLU's activations (for a spiking output layer: of the positive outputs).</item>
/// </list>
/// The spike mode holds all calibration images × T_cal steps of one layer in memory at once.
/// </summary>
public static class ThresholdBalancer
{
    /// <summary>Balances <paramref name="snn"/> (converted from <paramref name="ann"/>) and returns its thresholds, in neuron order.</summary>
    public static float[] Balance(SpikingNetwork snn, Network ann, ImageDataset calibration, Normalization normalization,
        BalancingOptions options, Device device)
    {
        options.Validate();
        var images = calibration.Take(options.CalibrationImages);
        using var noGrad = no_grad();
        return options.Mode == NormMode.Spike
            ? BalanceBySpikes(snn, images, options, device)
            : BalanceByActivations(snn, ann, images, normalization, options, device);
    }

    /// <summary>Multiplies every threshold by α ∈ (0, 1] (threshold scaling).</summary>
    public static float[] Scale(IReadOnlyList<float> thresholds, double alpha)
    {
        if (alpha is <= 0 or > 1 || double.IsNaN(alpha))
            throw new RmpSnnException($"--alpha {alpha}: expected a threshold scale in (0, 1]");
        return thresholds.Select(v => (float)(v * alpha)).ToArray();
    }

    static float[] BalanceBySpikes(SpikingNetwork snn, ImageDataset images, BalancingOptions options, Device device)
    {
        snn.ClearThresholds();
        snn.ResetState();
        try
        {
            using var scope = NewDisposeScope();
            using var batch = images.Batches(images.Count, Normalization.Identity(images.Channels), device).Single();
            using var generator = new Generator((ulong)options.Seed, device);
            var frames = InputEncoder.Encode(options.Encoding, batch.Images, options.CalibrationSteps, generator);
            snn.Forward(frames, new StepContext(options.CalibrationSteps, batch.Size, 0, calibrating: true));
        }
        finally { snn.ResetState(); }
        return snn.Thresholds.Select(v => v!.Value).ToArray();
    }

    static float[] BalanceByActivations(SpikingNetwork snn, Network ann, ImageDataset images, Normalization normalization,
        BalancingOptions options, Device device)
    {
        ann.eval();
        var perLayer = new List<List<Tensor>>();
        try
        {
            foreach (var batch in images.Batches(options.BatchSize, normalization, device))
            {
                using var _ = batch;
                using var scope = NewDisposeScope();
                var (activations, output) = ActivationProbe.Collect(ann, batch.Images);
                if (snn.Readout == ReadoutMode.Spikes) activations.Add(output.clamp_min(0));
                if (activations.Count != snn.Neurons.Count)
                    throw new RmpSnnException($"{ann.Spec.Arch}: the ANN has {activations.Count} ReLU layers but the SNN {snn.Neurons.Count} neuron layers");
                while (perLayer.Count < activations.Count) perLayer.Add([]);
                for (int i = 0; i < activations.Count; i++)
                {
                    var flat = activations[i].flatten();
                    perLayer[i].Add(options.Mode == NormMode.ActMax ? flat.max().cpu().DetachFromDisposeScope()
                        : flat.masked_select(flat.gt(0)).cpu().DetachFromDisposeScope());
                }
            }
            return perLayer.Select(values => Threshold(values, options)).ToArray();
        }
        finally
        {
            foreach (var t in perLayer.SelectMany(v => v)) t.Dispose();
        }
    }

    static float Threshold(List<Tensor> values, BalancingOptions options)
    {
        using var all = cat(values.Select(v => v.flatten()).ToArray());
        if (all.numel() == 0) return 1e-6f;
        if (options.Mode == NormMode.ActMax) return Math.Max(all.max().item<float>(), 1e-6f);
        long k = Math.Clamp((long)Math.Ceiling(options.Percentile / 100.0 * all.numel()), 1, all.numel());
        var (value, index) = all.kthvalue(k, 0);
        using (value) using (index) return Math.Max(value.item<float>(), 1e-6f);
    }
}
