using SkiaSharp;

namespace RmpSnn.Data;

/// <summary>
/// Reads an ImageNet-style folder <c>root/&lt;class&gt;/&lt;image&gt;.jpg|.jpeg|.png</c> (classes sorted by folder name,
/// images by file name). Each image is resized so its shorter side is <c>resize</c>, center-cropped to
/// <c>crop</c>×<c>crop</c> and stored as RGB planar bytes.
/// </summary>
public static class ImageFolderReader
{
    static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];

    /// <summary>The class names: the sub-folders of <paramref name="root"/>, in ordinal order (label i = name i).</summary>
    public static IReadOnlyList<string> ClassNames(string root)
    {
        if (!Directory.Exists(root))
            throw new RmpSnnException($"{root}: folder not found; expected an image folder with one sub-folder per class");
        var names = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        if (names.Length == 0)
            throw new RmpSnnException($"{root}: no class sub-folders; expected root/<class>/<image>.jpg|png");
        return names;
    }

    /// <summary>Loads every image under <paramref name="root"/>; the dataset is named <paramref name="name"/> (default: the folder name).</summary>
    public static ImageDataset Load(string root, int resize = 256, int crop = 224, string? name = null)
    {
        if (crop <= 0 || crop > resize)
            throw new RmpSnnException($"--crop {crop}: expected a crop size between 1 and the resize size {resize}");
        var classes = ClassNames(root);
        var files = classes
            .SelectMany((cls, label) => Directory.EnumerateFiles(Path.Combine(root, cls))
                .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .Select(f => (Path: f, Label: label)))
            .ToArray();
        if (files.Length == 0)
            throw new RmpSnnException($"{root}: no .jpg/.jpeg/.png images in its class folders");
        int imageBytes = 3 * crop * crop;
        if ((long)files.Length * imageBytes > Array.MaxLength)
            throw new RmpSnnException(
                $"{root}: {files.Length} images of {crop}x{crop} do not fit in memory at once; expected a smaller folder or crop");
        var pixels = new byte[files.Length * imageBytes];
        for (int i = 0; i < files.Length; i++)
            ReadImage(files[i].Path, resize, crop).CopyTo(pixels, i * imageBytes);
        name ??= DataFile.FolderName(root);
        return new ImageDataset(name, pixels, files.Select(f => f.Label).ToArray(), 3, crop, crop, classes.Count);
    }

    /// <summary>Decodes one image, resizes its shorter side to <paramref name="resize"/>, center-crops it, returns RGB planar bytes.</summary>
    public static byte[] ReadImage(string path, int resize = 256, int crop = 224)
    {
        using var codec = SKCodec.Create(path)
            ?? throw new RmpSnnException($"{path}: cannot decode image; expected a JPEG or PNG file");
        var info = codec.Info.WithColorType(SKColorType.Rgba8888).WithAlphaType(SKAlphaType.Unpremul);
        using var decoded = new SKBitmap(info);
        // The codec's result, not the bitmap, tells a truncated file: SKBitmap.Decode returns the rows it got and fills the rest.
        var result = codec.GetPixels(info, decoded.GetPixels());
        if (result != SKCodecResult.Success)
            throw new RmpSnnException(result == SKCodecResult.IncompleteInput
                ? $"{path}: truncated image (the file ends before its last row); expected a complete JPEG or PNG file"
                : $"{path}: cannot decode image ({result}); expected a JPEG or PNG file");
        using var resized = ResizeShorterSide(decoded, resize);
        // Same offsets as torchvision's CenterCrop.
        int top = (int)Math.Round((resized.Height - crop) / 2.0);
        int left = (int)Math.Round((resized.Width - crop) / 2.0);
        var rgba = resized.GetPixelSpan();
        int plane = crop * crop;
        var planar = new byte[3 * plane];
        for (int y = 0; y < crop; y++)
            for (int x = 0; x < crop; x++)
            {
                int src = (top + y) * resized.RowBytes + (left + x) * 4;
                for (int c = 0; c < 3; c++) planar[c * plane + y * crop + x] = rgba[src + c];
            }
        return planar;
    }

    /// <summary>Scales so the shorter side is <paramref name="size"/> (the longer one truncated, as torchvision's Resize).</summary>
    static SKBitmap ResizeShorterSide(SKBitmap bitmap, int size)
    {
        int shorter = Math.Min(bitmap.Width, bitmap.Height);
        int width = bitmap.Width == shorter ? size : (int)((long)size * bitmap.Width / shorter);
        int height = bitmap.Height == shorter ? size : (int)((long)size * bitmap.Height / shorter);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        return (width, height) == (bitmap.Width, bitmap.Height)
            ? bitmap.Copy()
            : bitmap.Resize(info, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
              ?? throw new RmpSnnException($"--resize {size}: cannot resize a {bitmap.Width}x{bitmap.Height} image to {width}x{height}");
    }
}
