using CsCheck;
using RmpSnn.Data;

namespace RmpSnn.Tests.Data;

public sealed class RandomResizedCropTests
{
    [Fact]
    public void TheWindowLiesInsideTheImageWithTorchvisionsScaleAndRatioOrIsTheCentralFallback()
    {
        var cases = from width in Gen.Int[1, 900] from height in Gen.Int[1, 900] from seed in Gen.Int select (width, height, seed);
        cases.Sample(c =>
        {
            var (top, left, h, w) = RandomResizedCrop.Parameters(c.width, c.height, new Random(c.seed));
            if (top < 0 || left < 0 || h <= 0 || w <= 0 || top + h > c.height || left + w > c.width) return false;
            // w and h are rounded from the drawn area and ratio, so scale and ratio hold to within one pixel on each side
            double scaleLow = (double)(w - 1) * (h - 1) / ((double)c.width * c.height), scaleHigh = (double)(w + 1) * (h + 1) / ((double)c.width * c.height);
            bool drawn = scaleHigh >= RandomResizedCrop.MinScale && scaleLow <= RandomResizedCrop.MaxScale
                && (w + 1.0) / Math.Max(h - 1, 0.5) >= RandomResizedCrop.MinRatio && (w - 1.0) / (h + 1) <= RandomResizedCrop.MaxRatio;
            bool central = top == (c.height - h) / 2 && left == (c.width - w) / 2 && (w == c.width || h == c.height);
            return drawn || central;
        }, iter: 2000, seed: "0ResizedCrop");
    }

    [Fact]
    public void OnALargeImageTheMeanAreaFractionIsTorchvisions()
    {
        // the area fraction is drawn uniform on 0.08–1 (mean 0.54), but large windows of extreme ratio do not fit and are drawn
        // again: torchvision's RandomResizedCrop.get_params on a 1000 × 1000 image gives a mean of 0.476 over 20,000 draws
        var rng = new Random(7);
        double mean = Enumerable.Range(0, 4000).Select(_ => RandomResizedCrop.Parameters(1000, 1000, rng)).Average(p => p.Height * p.Width / 1e6);
        Assert.InRange(mean, 0.46, 0.50);
    }
}
