using RmpSnn.Data;

namespace RmpSnn.Tests.Data;

public class AugmentationTests
{
    // Two channels of a 2×3 image.
    static readonly byte[] Image = [1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16];

    static byte[] Apply(Augmentation augmentation, Random rng)
    {
        var dst = new byte[Image.Length];
        augmentation.Apply(Image, dst, channels: 2, height: 2, width: 3, rng);
        return dst;
    }

    [Fact]
    public void FlipMirrorsEveryRowOrLeavesTheImage()
    {
        byte[] mirrored = [3, 2, 1, 6, 5, 4, 13, 12, 11, 16, 15, 14];
        var rng = new Random(3);
        var outputs = Enumerable.Range(0, 40).Select(_ => Apply(new Augmentation(0, HorizontalFlip: true), rng)).ToArray();
        Assert.All(outputs, o => Assert.True(o.SequenceEqual(Image) || o.SequenceEqual(mirrored), string.Join(",", o)));
        Assert.Contains(outputs, o => o.SequenceEqual(mirrored));
        Assert.Contains(outputs, o => o.SequenceEqual(Image));
    }

    [Fact]
    public void PaddedCropShiftsInZeros()
    {
        var rng = new Random(5);
        var outputs = Enumerable.Range(0, 60).Select(_ => Apply(new Augmentation(1, HorizontalFlip: false), rng)).ToArray();
        // Every output is the image shifted by dy, dx in [-1, 1] with zeros shifted in.
        var shifts = (from dy in new[] { -1, 0, 1 } from dx in new[] { -1, 0, 1 } select Shift(dy, dx)).ToArray();
        Assert.All(outputs, o => Assert.Contains(shifts, s => s.SequenceEqual(o)));
        Assert.Equal(9, outputs.DistinctBy(o => string.Join(",", o)).Count());
        Assert.Contains(outputs, o => o.SequenceEqual(new byte[] { 5, 6, 0, 0, 0, 0, 15, 16, 0, 0, 0, 0 }));
    }

    static byte[] Shift(int dy, int dx)
    {
        var dst = new byte[Image.Length];
        for (int c = 0; c < 2; c++)
            for (int y = 0; y < 2; y++)
                for (int x = 0; x < 3; x++)
                {
                    int sy = y + dy, sx = x + dx;
                    if (sy is >= 0 and < 2 && sx is >= 0 and < 3) dst[(c * 2 + y) * 3 + x] = Image[(c * 2 + sy) * 3 + sx];
                }
        return dst;
    }
}
