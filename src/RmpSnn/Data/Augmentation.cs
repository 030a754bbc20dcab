namespace RmpSnn.Data;

/// <summary>
/// Train-time augmentation: random crop with zero padding and horizontal flip on raw planar bytes, or, for image files,
/// a random resized crop taken when the file is decoded.
/// </summary>
/// <param name="Padding">Zero padding on each side before a random crop of the original size (4 for CIFAR; 0 = no crop).</param>
/// <param name="HorizontalFlip">Flip left–right with probability 1/2.</param>
/// <param name="ResizedCrop">
/// Image files: decode with torchvision's <c>RandomResizedCrop</c> (<see cref="Data.RandomResizedCrop"/>) instead of the
/// evaluation resize and centre crop, the window drawn per image from the epoch's seed and the image's id.
/// </param>
public sealed record Augmentation(int Padding, bool HorizontalFlip, bool ResizedCrop = false)
{
    /// <summary>The standard CIFAR augmentation: pad 4, random 32×32 crop, random flip.</summary>
    public static Augmentation Cifar { get; } = new(4, true);

    /// <summary>The standard ImageNet training transform: random resized crop, random flip.</summary>
    public static Augmentation ImageNet { get; } = new(0, true, ResizedCrop: true);

    /// <summary>Writes an augmented copy of <paramref name="src"/> into <paramref name="dst"/>.</summary>
    public void Apply(ReadOnlySpan<byte> src, Span<byte> dst, int channels, int height, int width, Random rng)
    {
        int dy = Padding == 0 ? 0 : rng.Next(-Padding, Padding + 1);
        int dx = Padding == 0 ? 0 : rng.Next(-Padding, Padding + 1);
        bool flip = HorizontalFlip && rng.Next(2) == 1;
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < height; y++)
            {
                int sy = y + dy;
                for (int x = 0; x < width; x++)
                {
                    int sx = (flip ? width - 1 - x : x) + dx;
                    dst[(c * height + y) * width + x] = sy < 0 || sy >= height || sx < 0 || sx >= width
                        ? (byte)0 : src[(c * height + sy) * width + sx];
                }
            }
    }
}
