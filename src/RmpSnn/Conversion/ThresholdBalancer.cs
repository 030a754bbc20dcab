using RmpSnn.Conversion.Passes;
using RmpSnn.Data;
using RmpSnn.Graph;
using RmpSnn.Models;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Conversion;

/// <summary>
/// Sets the firing threshold of every IF layer of a converted network (before threshold scaling by α), by name:
/// <list type="bullet">
/// <item><see cref="NormMode.Spike"/> (the paper): layer by layer in topological order, the calibration images are
/// simulated for T_cal steps through the layers already balanced, and the next layer takes V_th = the maximum input
/// current it receives over all images and steps. A residual junction takes the max of (main-path current + shortcut
/// current), the shortcut carrying the block input's spikes (amplitude = that layer's V_th), so both paths are balanced in
/// the same units. Cost: about (layers / 2) network passes × images × T_cal; memory: one batch × chunk of steps.</item>
/// <item><see cref="NormMode.ActMax"/> / <see cref="NormMode.ActPct"/>: V_th = max, or p-th percentile of the non-zero
/// values, of the same-named ANN activation's outputs (for a spiking output layer: of the positive outputs), with
/// max-pooling run as the SNN converts it (<see cref="ActivationProbe"/>).</item>
/// <item><see cref="NormMode.Qcfs"/>: V_th = the clip λ of the <see cref="Qcfs"/> activation the IF layer converts;
/// simulate with soft reset, initial potential V_th/2 and direct input.</item>
/// </list>
/// Burst neurons (<see cref="BalancingOptions.MaxBurst"/> Γ &gt; 1) take each threshold above divided by Γ, so that the most
/// a neuron passes per step, Γ·V_th, is what the rule chose.
/// </summary>
public static class ThresholdBalancer
{
    /// <summary>
    /// Balances <paramref name="snn"/> (converted from <paramref name="ann"/> with max-pooling as <paramref name="maxPool"/>)
    /// and returns its thresholds by IF layer name, in topological order.
    /// </summary>
    public static IReadOnlyDictionary<string, float> Balance(SpikingNetwork snn, Network ann, ImageDataset calibration, Normalization normalization,
        BalancingOptions options, Device device, MaxPoolMode maxPool = MaxPoolMode.Gate)
    {
        options.Validate();
        var images = calibration.Take(options.CalibrationImages);
        using var noGrad = no_grad();
        if (options.Mode == NormMode.Spike) return BalanceBySpikes(snn, images, options, device);
        var clips = options.Mode switch
        {
            NormMode.Qcfs => Clips(snn, ann),
            NormMode.Search or NormMode.Calibrated => PostTrainingCalibration.SearchThresholds(snn, ann, images, normalization,
                options.CalibrationSteps, options.BatchSize, options.Seed, device, maxPool, options.MaxBurst),
            _ => BalanceByActivations(snn, ann, images, normalization, options, device, maxPool),
        };
        return clips.ToDictionary(p => p.Key, p => p.Value / options.MaxBurst);
    }

    static Dictionary<string, float> Clips(SpikingNetwork snn, Network ann)
    {
        if (snn.Readout == ReadoutMode.Spikes)
            throw new RmpSnnException("--norm qcfs: a spiking output layer has no QCFS clip; use --readout potential");
        return snn.Neurons.ToDictionary(n => n.Name, n => snn.Graph[n.Name] is IntegrateFireNode { Activation: QcfsNode q }
            ? Math.Max(q.Qcfs.Lambda.item<float>(), 1e-6f)
            : throw new RmpSnnException($"--norm qcfs: {ann.Spec.Arch} has ReLU activations ({n.Name}); " +
                "train it with --activation qcfs or use --norm spike, act-max or act-pct"));
    }

    /// <summary>Multiplies every threshold by α ∈ (0, 1] (threshold scaling).</summary>
    public static IReadOnlyDictionary<string, float> Scale(IReadOnlyDictionary<string, float> thresholds, double alpha)
    {
        if (alpha is <= 0 or > 1 || double.IsNaN(alpha))
            throw new RmpSnnException($"--alpha {alpha}: expected a threshold scale in (0, 1]");
        return thresholds.ToDictionary(p => p.Key, p => (float)(p.Value * alpha));
    }

    static Dictionary<string, float> BalanceBySpikes(SpikingNetwork snn, ImageDataset images, BalancingOptions options, Device device)
    {
        snn.ClearThresholds();
        foreach (var target in snn.Neurons)
        {
            using var pool = new BatchWorkers(device, options.Workers, options.BatchSize);
            var replicas = pool.Replicas(snn);
            var max = new float[pool.Count];
            foreach (var batch in images.Batches(options.BatchSize, Normalization.Identity(images.Channels), device))
            {
                using var _ = batch;
                pool.Run(batch, (w, part) => max[w] = Math.Max(max[w], LargestCurrent(replicas[w], target.Name, part, options)));
            }
            target.Threshold = Math.Max(max.Max(), 1e-6f) / options.MaxBurst;
        }
        snn.ResetState();
        return snn.Neurons.ToDictionary(n => n.Name, n => n.Threshold!.Value);
    }

    /// <summary>The largest input current the IF layer <paramref name="layerName"/> receives over the calibration steps on <paramref name="part"/>.</summary>
    static float LargestCurrent(SpikingNetwork snn, string layerName, Batch part, BalancingOptions options)
    {
        var target = snn.Neurons.First(n => n.Name == layerName);
        float max = 0f;
        snn.ResetState();
        for (int first = 0; first < options.CalibrationSteps; first += options.ChunkSteps)
        {
            using var scope = NewDisposeScope();
            int k = Math.Min(options.ChunkSteps, options.CalibrationSteps - first);
            var x = InputEncoder.Encode(options.Encoding, part.Images, first, k, options.Seed, part.Ids);
            max = Math.Max(max, snn.CurrentInto(target, x, new StepContext(k, part.Size, first)).max().item<float>());
        }
        return max;
    }

    static Dictionary<string, float> BalanceByActivations(SpikingNetwork snn, Network ann, ImageDataset images, Normalization normalization,
        BalancingOptions options, Device device, MaxPoolMode maxPool)
    {
        ann.eval();
        var perLayer = snn.Neurons.ToDictionary(n => n.Name, _ => new List<Tensor>());
        try
        {
            foreach (var batch in images.Batches(options.BatchSize, normalization, device))
            {
                using var _ = batch;
                using var scope = NewDisposeScope();
                var (activations, output) = ActivationProbe.Collect(ann, batch.Images, maxPool);
                if (snn.Readout == ReadoutMode.Spikes) activations[SpikingReadout.Name] = output.clamp_min(HeldScalars.Zero);
                foreach (var (name, values) in perLayer)
                {
                    if (!activations.TryGetValue(name, out var activation))
                        throw new RmpSnnException($"{ann.Spec.Arch}: the SNN's IF layer {name} has no activation of that name in the ANN");
                    var flat = activation.flatten();
                    values.Add(options.Mode == NormMode.ActMax ? flat.max().cpu().DetachFromDisposeScope()
                        : flat.masked_select(flat.gt(HeldScalars.Zero)).cpu().DetachFromDisposeScope());
                }
            }
            return perLayer.ToDictionary(p => p.Key, p => Threshold(p.Value, options));
        }
        finally
        {
            foreach (var t in perLayer.Values.SelectMany(v => v)) t.Dispose();
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
