using System.Globalization;

namespace RmpSnn.Data;

/// <summary>
/// Part <see cref="Index"/> of <see cref="Count"/> (0-based, <c>--shard i/n</c>) of a dataset selection: the contiguous
/// images [⌊N·i/n⌋, ⌊N·(i+1)/n⌋), so every image lies in exactly one shard and shard sizes differ by at most one.
/// Images keep their ids (<see cref="ImageDataset.Ids"/>), so a shard sees the same input spikes as the whole run.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>Reads <c>i/n</c>; throws <see cref="RmpSnnException"/> naming <c>--shard</c> otherwise.</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count > 0 && index < count)
            return new Shard(index, count);
        throw new RmpSnnException($"--shard {text}: expected i/n with 0 <= i < n, e.g. 0/4 for the first of four shards");
    }

    /// <summary>The first image and the number of images of this shard of <paramref name="total"/>.</summary>
    public (int First, int Length) Range(int total)
    {
        int first = (int)((long)total * Index / Count), end = (int)((long)total * (Index + 1) / Count);
        return (first, end - first);
    }

    /// <summary>This shard of <paramref name="data"/>.</summary>
    public ImageDataset Of(ImageDataset data)
    {
        var (first, length) = Range(data.Count);
        if (length == 0) throw new RmpSnnException($"--shard {this}: {data.Name} has only {data.Count} images, too few for {Count} shards");
        return data.Subset(Enumerable.Range(first, length).ToArray(), $"{data.Name} [shard {this}]");
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Index}/{Count}";
}
