using RmpSnn.Data;
using RmpSnn.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Tests;

/// <summary>Small random networks and inputs for conversion tests.</summary>
internal static class TinyNetworks
{
    public static readonly ModelSpec Spec = new("tiny", 3, 8, 5);
    public static readonly Normalization Normalization = new([0.5f, 0.4f, 0.3f], [0.25f, 0.2f, 0.3f]);

    /// <summary>
    /// conv–ReLU–avgpool–residual block (identity) –residual block (option A)–global pool–flatten–linear, with a BN and
    /// dropout to remove; with <paramref name="qcfsLevels"/>, every ReLU is a <see cref="Qcfs"/> with that many levels and clip 1.
    /// </summary>
    public static Network Build(int seed, bool batchNorm = false, int? qcfsLevels = null)
    {
        manual_seed(seed);
        nn.Module<Tensor, Tensor> Act() => qcfsLevels is int levels ? new Qcfs(levels, clip: 1.0) : nn.ReLU();
        var layers = new List<nn.Module<Tensor, Tensor>> { nn.Conv2d(3, 8, 3, padding: 1, bias: false) };
        if (batchNorm) layers.Add(RandomBatchNorm(8));
        layers.AddRange([
            Act(), nn.AvgPool2d(2),
            new ResidualBlock([nn.Conv2d(8, 8, 3, padding: 1, bias: false), Act(), nn.Conv2d(8, 8, 3, padding: 1, bias: false)], [], Act()),
            new ResidualBlock([nn.Conv2d(8, 16, 3, stride: 2, padding: 1, bias: false), Act(), nn.Conv2d(16, 16, 3, padding: 1, bias: false)],
                              [new ZeroPadShortcut(2, 4)], Act()),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.5), nn.Linear(16, 5, hasBias: false),
        ]);
        var net = new Network(qcfsLevels is int l ? Spec with { Activation = "qcfs", QuantLevels = l } : Spec, layers);
        net.eval();
        return net;
    }

    static nn.Module<Tensor, Tensor> RandomBatchNorm(int channels)
    {
        var bn = nn.BatchNorm2d(channels);
        using (no_grad())
        {
            bn.running_mean!.copy_(randn(channels) * 0.1);
            bn.running_var!.copy_(rand(channels) + 0.5);
            bn.weight!.copy_(rand(channels) + 0.5);
            bn.bias!.copy_(randn(channels) * 0.1);
        }
        return bn;
    }

    /// <summary>Random images with pixel bytes, as a dataset whose labels are the ANN's own predictions.</summary>
    public static ImageDataset Images(int count, int seed, Network? labelWith = null)
    {
        var rng = new Random(seed);
        var pixels = new byte[count * 3 * 8 * 8];
        rng.NextBytes(pixels);
        var labels = new int[count];
        var data = new ImageDataset("random", pixels, labels, 3, 8, 8, 5);
        if (labelWith is null) return data;
        using var noGrad = no_grad();
        int i = 0;
        foreach (var batch in data.Batches(64, Normalization, CPU))
            using (batch)
            using (var logits = labelWith.call(batch.Images))
                foreach (long p in logits.argmax(1).data<long>()) labels[i++] = (int)p;
        return data;
    }
}
