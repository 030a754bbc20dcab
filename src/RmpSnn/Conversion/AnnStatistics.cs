using RmpSnn.Conversion.Passes;
using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Conversion;

/// <summary>
/// What calibration needs of the ANN's activations at every IF layer of a converted network, in one pass over the
/// calibration images: the maximum, the mean of every channel, and a seeded random subset of at most
/// <see cref="PostTrainingCalibration.SearchValues"/> values (CPU tensors, owned and disposed here).
/// </summary>
internal sealed class AnnStatistics : IDisposable
{
    public Dictionary<string, Tensor> Values { get; } = [];
    public Dictionary<string, float> Max { get; } = [];
    public Dictionary<string, double[]> ChannelMeans { get; } = [];

    public static AnnStatistics Collect(SpikingNetwork snn, Network ann, ImageDataset images, Normalization normalization, int batchSize,
        int seed, Device device, MaxPoolMode maxPool)
    {
        var stats = new AnnStatistics();
        var parts = snn.Neurons.ToDictionary(n => n.Name, _ => new List<Tensor>());
        var sums = snn.Neurons.ToDictionary(n => n.Name, n => new double[n.Channels]);
        var counts = snn.Neurons.ToDictionary(n => n.Name, _ => 0L);
        using var generator = new Generator((ulong)seed);
        ann.eval();
        using var noGrad = no_grad();
        try
        {
            foreach (var batch in images.Batches(batchSize, normalization, device))
            {
                using var _ = batch;
                using var scope = NewDisposeScope();
                var (activations, output) = ActivationProbe.Collect(ann, batch.Images, maxPool);
                if (snn.Readout == ReadoutMode.Spikes) activations[SpikingReadout.Name] = output.clamp_min(HeldScalars.Zero);
                foreach (var layer in snn.Neurons)
                {
                    if (!activations.TryGetValue(layer.Name, out var activation))
                        throw new RmpSnnException($"{ann.Spec.Arch}: the SNN's IF layer {layer.Name} has no activation of that name in the ANN");
                    var byChannel = activation.transpose(0, 1).reshape(layer.Channels, -1).cpu();
                    var channelSums = byChannel.sum(1, type: ScalarType.Float64).data<double>().ToArray();
                    for (int c = 0; c < channelSums.Length; c++) sums[layer.Name][c] += channelSums[c];
                    counts[layer.Name] += byChannel.shape[1];
                    stats.Max[layer.Name] = Math.Max(stats.Max.GetValueOrDefault(layer.Name), byChannel.max().item<float>());
                    var flat = byChannel.flatten();
                    long keep = Math.Min(flat.numel(), (long)Math.Ceiling((double)PostTrainingCalibration.SearchValues * batch.Size / images.Count));
                    var kept = keep == flat.numel() ? flat : flat.index_select(0, randint(flat.numel(), [keep], generator: generator));
                    parts[layer.Name].Add(kept.contiguous().DetachFromDisposeScope());
                }
            }
            foreach (var (name, list) in parts)
            {
                stats.Values[name] = cat(list.ToArray());
                stats.ChannelMeans[name] = sums[name].Select(s => s / counts[name]).ToArray();
            }
            return stats;
        }
        catch
        {
            stats.Dispose();
            throw;
        }
        finally
        {
            foreach (var t in parts.Values.SelectMany(v => v)) t.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var t in Values.Values) t.Dispose();
        Values.Clear();
    }
}
