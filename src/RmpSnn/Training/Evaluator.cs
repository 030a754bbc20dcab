using RmpSnn.Data;
using RmpSnn.Models;
using static TorchSharp.torch;

namespace RmpSnn.Training;

/// <summary>Measures an ANN on a dataset.</summary>
public static class Evaluator
{
    /// <summary>
    /// Top-1 accuracy in [0, 1] of <paramref name="network"/> (already on <paramref name="device"/>), in eval mode
    /// without gradients; the previous train/eval mode is restored.
    /// </summary>
    public static double Accuracy(Network network, ImageDataset data, Normalization normalization, int batchSize, Device device) =>
        data.Count == 0 ? 0 : (double)Correct(network, data, normalization, batchSize, device) / data.Count;

    /// <summary>The number of images <paramref name="network"/> classifies correctly (top-1), as <see cref="Accuracy"/> counts them.</summary>
    public static long Correct(Network network, ImageDataset data, Normalization normalization, int batchSize, Device device)
    {
        EnsureFits(network, data, normalization);
        bool wasTraining = network.training;
        network.eval();
        try
        {
            using var _ = no_grad();
            long correct = 0;
            foreach (var batch in data.Batches(batchSize, normalization, device))
            {
                using (batch)
                using (var scope = NewDisposeScope())
                    correct += network.call(batch.Images).argmax(1).eq(batch.Labels).sum().item<long>();
                TorchRuntime.ReleaseFreedMemory();
            }
            return correct;
        }
        finally
        {
            network.train(wasTraining);
        }
    }

    /// <summary>Throws an <see cref="RmpSnnException"/> when the images or normalisation do not fit the network's spec.</summary>
    internal static void EnsureFits(Network network, ImageDataset data, Normalization normalization)
    {
        var spec = network.Spec;
        if (data.Channels != spec.InChannels || data.Height != spec.ImageSize || data.Width != spec.ImageSize)
            throw new RmpSnnException($"{data.Name}: images are {data.Channels}x{data.Height}x{data.Width} " +
                $"but the {spec.Arch} model expects {spec.InChannels}x{spec.ImageSize}x{spec.ImageSize}");
        if (data.Classes > spec.Classes)
            throw new RmpSnnException($"{data.Name}: {data.Classes} classes but the {spec.Arch} model has {spec.Classes} outputs");
        if (normalization.Channels != data.Channels)
            throw new RmpSnnException($"{data.Name}: normalisation has {normalization.Channels} channels, images have {data.Channels}");
    }
}
