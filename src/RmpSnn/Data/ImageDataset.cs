using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Data;

/// <summary>
/// A labelled image set: 8-bit pixels in planar <c>[N, C, H, W]</c> order plus labels, held in memory (IDX, CIFAR) or
/// decoded from files on demand (<see cref="DecodedImages"/>, image folders). Every reader produces one; batches come out
/// normalised, as float tensors on a device.
/// </summary>
public sealed class ImageDataset
{
    readonly byte[]? _pixels;
    readonly DecodedImages? _files;
    readonly int[]? _fileIndex;     // image i is file _fileIndex[i] of _files (null: file i)
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

    /// <summary>Creates a dataset over image files decoded on demand, to <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>.</summary>
    public ImageDataset(string name, DecodedImages files, int[] labels, int channels, int height, int width, int classes)
        : this(name, files, null, labels, Enumerable.Range(0, labels.Length).ToArray(), channels, height, width, classes)
    {
        if (files.Paths.Count != labels.Length)
            throw new ArgumentException($"{name}: {files.Paths.Count} files for {labels.Length} labels", nameof(files));
    }

    ImageDataset(string name, DecodedImages files, int[]? fileIndex, int[] labels, int[] ids, int channels, int height, int width, int classes)
    {
        Name = name; _files = files; _fileIndex = fileIndex; _labels = labels; _ids = ids;
        Channels = channels; Height = height; Width = width; Classes = classes;
    }

    /// <summary>True when the pixels are in memory; false when they are decoded from files as batches need them.</summary>
    public bool InMemory => _pixels is not null;

    /// <summary>Image files of the folder this dataset was read from that were left out as unreadable (none for in-memory sets).</summary>
    public IReadOnlyList<string> Unreadable => _files?.Unreadable ?? [];

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

    /// <summary>Raw bytes of image <paramref name="index"/> (planar C×H×W; decoded now for a dataset of files).</summary>
    public ReadOnlySpan<byte> Pixels(int index) => _pixels is not null ? _pixels.AsSpan(index * ImageBytes, ImageBytes) : Decode(index);

    byte[] Decode(int index)
    {
        var bytes = new byte[ImageBytes];
        Decode(index, bytes);
        return bytes;
    }

    void Decode(int index, Span<byte> destination, Random? randomCrop = null) =>
        _files!.Decode(_files.Paths[_fileIndex?[index] ?? index], destination, randomCrop);

    /// <summary>The images at <paramref name="indices"/>, as a new dataset (shares nothing mutable; files stay on disk).</summary>
    public ImageDataset Subset(IReadOnlyList<int> indices, string? name = null)
    {
        if (_files is not null)
            return new ImageDataset(name ?? Name, _files, indices.Select(i => _fileIndex?[i] ?? i).ToArray(), indices.Select(i => _labels[i]).ToArray(),
                indices.Select(i => _ids[i]).ToArray(), Channels, Height, Width, Classes);
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
        // Batches of files are decoded in parallel, one batch ahead; in-memory ones are copied when asked for.
        Task<(Tensor Raw, long[] Labels)> Fill(int start) => InMemory
            ? Task.FromResult(FillBatch(order, start, Math.Min(batchSize, Count - start), augmentation, rng, seed))
            : Task.Run(() => FillBatch(order, start, Math.Min(batchSize, Count - start), augmentation, rng, seed));
        var pending = Count > 0 ? Fill(0) : null;
        for (int start = 0; start < Count; start += batchSize)
        {
            int size = Math.Min(batchSize, Count - start);
            var (filled, labels) = pending!.GetAwaiter().GetResult();
            using var raw = filled;
            pending = start + batchSize < Count ? Fill(start + batchSize) : null;
            using var scope = NewDisposeScope();
            using Scalar byteRange = 255f;                                                     // held: see HeldScalars
            var images = normalization.Apply(raw.to(device).to_type(ScalarType.Float32).div_(byteRange));
            var ids = order[start..(start + size)].Select(i => _ids[i]).ToArray();
            var batch = new Batch(images.MoveToOuterDisposeScope(), tensor(labels, device: device).MoveToOuterDisposeScope(), ids);
            yield return batch;
        }
    }

    /// <summary>
    /// Images <paramref name="start"/>… of <paramref name="order"/> as a CPU byte tensor [B, C, H, W] (written in place:
    /// no per-image arrays) and their labels; augmentation runs in order. Files are decoded in parallel, a random resized
    /// crop drawn per image from <paramref name="seed"/> and the image's id.
    /// </summary>
    (Tensor Raw, long[] Labels) FillBatch(int[] order, int start, int size, Augmentation? augmentation, Random rng, int seed)
    {
        var raw = empty([size, Channels, Height, Width], ScalarType.Byte);
        var labels = new long[size];
        try
        {
            byte[]? decoded = null;
            if (!InMemory)
            {
                // decoded straight into the batch, or into one buffer that augmentation then reads in order
                decoded = augmentation is null ? null : new byte[size * ImageBytes];
                var errors = new Exception?[size];   // the first bad file in order is reported
                Parallel.For(0, size, i =>
                {
                    int index = order[start + i];
                    var crop = augmentation?.ResizedCrop == true ? new Random((int)Seeds.Derive(seed, _ids[index])) : null;
                    try { Decode(index, decoded is null ? raw.bytes.Slice(i * ImageBytes, ImageBytes) : decoded.AsSpan(i * ImageBytes, ImageBytes), crop); }
                    catch (Exception e) when (e is RmpSnnException) { errors[i] = e; }
                });
                if (errors.FirstOrDefault(e => e is not null) is { } error) throw error;
            }
            var bytes = raw.bytes;
            for (int i = 0; i < size; i++)
            {
                int index = order[start + i];
                labels[i] = _labels[index];
                if (!InMemory && decoded is null) continue;
                var source = decoded is null ? Pixels(index) : decoded.AsSpan(i * ImageBytes, ImageBytes);
                var dst = bytes.Slice(i * ImageBytes, ImageBytes);
                if (augmentation is null) source.CopyTo(dst);
                else augmentation.Apply(source, dst, Channels, Height, Width, rng);
            }
            return (raw, labels);
        }
        catch
        {
            raw.Dispose();
            throw;
        }
    }

    static int[] Permutation(int n, int seed)
    {
        int[] order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }
}
