namespace RmpSnn.Data;

/// <summary>
/// torchvision's <c>RandomResizedCrop</c> window (scale 0.08–1 of the area, aspect ratio 3/4–4/3, log-uniform): up to ten
/// draws of a window that fits, else the central crop at the nearest allowed aspect ratio. The chosen window is then
/// scaled to the crop size by the image reader.
/// </summary>
public static class RandomResizedCrop
{
    /// <summary>Smallest and largest fraction of the image area.</summary>
    public const double MinScale = 0.08, MaxScale = 1.0;

    /// <summary>Smallest and largest width / height.</summary>
    public const double MinRatio = 3.0 / 4, MaxRatio = 4.0 / 3;

    /// <summary>The window (top, left, height, width) for an image of <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static (int Top, int Left, int Height, int Width) Parameters(int width, int height, Random rng)
    {
        double area = (double)width * height;
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * (MinScale + (MaxScale - MinScale) * rng.NextDouble());
            double ratio = Math.Exp(Math.Log(MinRatio) + (Math.Log(MaxRatio) - Math.Log(MinRatio)) * rng.NextDouble());
            int w = (int)Math.Round(Math.Sqrt(target * ratio)), h = (int)Math.Round(Math.Sqrt(target / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height)
                return (rng.Next(height - h + 1), rng.Next(width - w + 1), h, w);
        }
        double inRatio = (double)width / height;
        var (cw, ch) = inRatio < MinRatio ? (width, (int)Math.Round(width / MinRatio))
            : inRatio > MaxRatio ? ((int)Math.Round(height * MaxRatio), height)
            : (width, height);
        return ((height - ch) / 2, (width - cw) / 2, ch, cw);
    }
}
