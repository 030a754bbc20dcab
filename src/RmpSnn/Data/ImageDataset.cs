using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Data;

/// <summary>
/// An in-memory labelled image set: 8-bit pixels in planar <c>[N, C, H, W]</c> order plus labels.
/// Every reader (IDX, CIFAR, image folders) produces one; batches come out normalised, as float tensors on a device.
/// </summary>
public sealed class ImageDataset
{
    readonly byte[] _pixels;
    readonly int[] _labels;
    readonly int[] _ids;

    /// <summary>
    /// Creates a dataset; <paramref name="pixels"/> holds <c>labels.Length × C × H × W</c> bytes. <paramref name="ids"/> are the
    /// images' indices in the file they were read from (default 0, 1, …).
    /// </summary>
    public ImageDataset(string name, byte[] pixels, int[] labels, int channels, int height, int width, int classes, int[]? ids = null)
    {
        if (pixels.Length != (long)labels.Length * channels * height * width)
            throw new ArgumentException($"{name}: {pixels.Length} pixel bytes do not match {labels.Length} images of {channels}x{height}x{width}");
        if (ids is not null && ids.Length != labels.Length)
            throw new ArgumentException($"{name}: {ids.Length} image ids for {labels.Length} images", nameof(ids));
        Name = name; _pixels = pixels; _labels = labels; _ids = ids ?? Enumerable.Range(0, labels.Length).ToArray();
        Channels = channels; Height = height; Width = width; Classes = classes;
    }

    /// <summary>Human-readable name, e.g. <c>cifar10/train</c>.</summary>
    public string Name { get; }
    /// <summary>Number of images.</summary>
    public int Count => _labels.Length;
    /// <summary>Number of classes (labels lie in [0, Classes)).</summary>
    public int Classes { get; }
    /// <summary>Image channels.</summary>
    public int Channels { get; }
    /// <summary>Image height.</summary>
    public int Height { get; }
    /// <summary>Image width.</summary>
    public int Width { get; }
    /// <summary>Bytes per image.</summary>
    public int ImageBytes => Channels * Height * Width;
    /// <summary>Labels in dataset order.</summary>
    public IReadOnlyList<int> Labels => _labels;
    /// <summary>
    /// Each image's index in the file it was read from, kept through <see cref="Subset"/>, <see cref="Take"/> and
    /// <see cref="Split"/>: Poisson input is seeded by it, so a subset or shard of a dataset sees the same spikes as the whole.
    /// </summary>
    public IReadOnlyList<int> Ids => _ids;

    /// <summary>Raw bytes of image <paramref name="index"/> (planar C×H×W).</summary>
    public ReadOnlySpan<byte> Pixels(int index) => _pixels.AsSpan(index * ImageBytes, ImageBytes);

    /// <summary>The images at <paramref name="indices"/>, as a new dataset (shares nothing mutable).</summary>
    public ImageDataset Subset(IReadOnlyList<int> indices, string? name = null)
    {
        var pixels = new byte[indices.Count * ImageBytes];
        var labels = new int[indices.Count];
        var ids = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Pixels(indices[i]).CopyTo(pixels.AsSpan(i * ImageBytes));
            labels[i] = _labels[indices[i]];
            ids[i] = _ids[indices[i]];
        }
        return new ImageDataset(name ?? Name, pixels, labels, Channels, Height, Width, Classes, ids);
    }

    /// <summary>The first <paramref name="count"/> images (or all, if fewer).</summary>
    public ImageDataset Take(int count) =>
        count >= Count ? this : Subset(Enumerable.Range(0, count).ToArray(), Name);

    /// <summary>
    /// Carves a held-out validation split of <paramref name="validation"/> images from this set with a seeded
    /// permutation; returns the remaining training images and the validation images.
    /// </summary>
    public (ImageDataset Train, ImageDataset Validation) Split(int validation, int seed)
    {
        if (validation <= 0 || validation >= Count)
            throw new RmpSnnException($"--val {validation}: expected a validation size between 1 and {Count - 1} for {Name}");
        int[] order = Permutation(Count, seed);
        return (Subset(order[validation..].Order().ToArray(), Name + "/train-split"),
                Subset(order[..validation].Order().ToArray(), Name + "/val-split"));
    }

    /// <summary>Per-channel mean and std of the pixels scaled to [0, 1].</summary>
    public Normalization ComputeNormalization()
    {
        var mean = new double[Channels];
        var sq = new double[Channels];
        int plane = Height * Width;
        for (int i = 0; i < Count; i++)
        {
            var img = Pixels(i);
            for (int c = 0; c < Channels; c++)
                foreach (byte b in img.Slice(c * plane, plane)) { double v = b / 255.0; mean[c] += v; sq[c] += v * v; }
        }
        double n = (double)Count * plane;
        return new Normalization(
            mean.Select(m => (float)(m / n)).ToArray(),
            mean.Zip(sq, (m, s) => (float)Math.Sqrt(Math.Max(s / n - (m / n) * (m / n), 1e-12))).ToArray());
    }

    /// <summary>
    /// Yields batches in dataset order, or shuffled with <paramref name="seed"/>. Images are scaled to [0, 1],
    /// optionally augmented, then normalised with <paramref name="normalization"/>.
    /// </summary>
    public IEnumerable<Batch> Batches(int batchSize, Normalization normalization, Device device,
        bool shuffle = false, int seed = 0, Augmentation? augmentation = null)
    {
        if (batchSize <= 0) throw new RmpSnnException($"--batch {batchSize}: expected a positive batch size");
        int[] order = shuffle ? Permutation(Count, seed) : Enumerable.Range(0, Count).ToArray();
        var rng = new Random(seed ^ 0x5eed);
        for (int start = 0; start < Count; start += batchSize)
        {
            int size = Math.Min(batchSize, Count - start);
            var bytes = new byte[size * ImageBytes];
            var labels = new long[size];
            for (int i = 0; i < size; i++)
            {
                int index = order[start + i];
                var dst = bytes.AsSpan(i * ImageBytes, ImageBytes);
                if (augmentation is null) Pixels(index).CopyTo(dst);
                else augmentation.Apply(Pixels(index), dst, Channels, Height, Width, rng);
                labels[i] = _labels[index];
            }
            using var scope = NewDisposeScope();
            using var raw = tensor(bytes, new long[] { size, Channels, Height, Width });
            using Scalar byteRange = 255f;                                                     // held: see HeldScalars
            var images = normalization.Apply(raw.to(device).to_type(ScalarType.Float32).div_(byteRange));
            var batch = new Batch(images.MoveToOuterDisposeScope(), tensor(labels, device: device).MoveToOuterDisposeScope());
            yield return batch;
        }
    }

    static int[] Permutation(int n, int seed)
    {
        int[] order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }
}
