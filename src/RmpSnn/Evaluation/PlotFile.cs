using ScottPlot;

namespace RmpSnn.Evaluation;

/// <summary>Writes ScottPlot figures as PNG files.</summary>
public static class PlotFile
{
    /// <summary>Renders <paramref name="plot"/> at the given size and writes it atomically to <paramref name="path"/>.</summary>
    public static void Save(Plot plot, string path, int width = 900, int height = 560)
    {
        byte[] png = plot.GetImage(width, height).GetImageBytes(ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
