using RmpSnn.Data;

namespace RmpSnn.Tests.Training;

/// <summary>A tiny learnable image set: class k has a bright 4×4 square in quadrant k of an 8×8 noisy image.</summary>
static class SyntheticData
{
    public static ImageDataset Quadrants(int count, int seed, string name = "quadrants")
    {
        var rng = new Random(seed);
        var pixels = new byte[count * 64];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = labels[i] = rng.Next(4);
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 8; x++)
                {
                    bool lit = (y < 4 ? 0 : 2) + (x < 4 ? 0 : 1) == label;
                    pixels[i * 64 + y * 8 + x] = (byte)((lit ? 150 : 0) + rng.Next(100));
                }
        }
        return new ImageDataset(name, pixels, labels, 1, 8, 8, 4);
    }
}
