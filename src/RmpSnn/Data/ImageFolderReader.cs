using SkiaSharp;

namespace RmpSnn.Data;

/// <summary>
/// Reads an ImageNet-style folder <c>root/&lt;class&gt;/&lt;image&gt;.jpg|.jpeg|.png</c> (classes sorted by folder name,
/// images by file name: torchvision's <c>ImageFolder</c> order and class indices), or the ImageNet validation layout of
/// one flat folder plus <c>LOC_val_solution.csv</c> (<see cref="LoadFlat"/>). Files are checked when the folder is read and
/// decoded as batches need them (<see cref="DecodedImages"/>): each is resized so its shorter side is <c>resize</c>,
/// center-cropped to <c>crop</c>×<c>crop</c> and turned into RGB planar bytes.
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
            .SelectMany((cls, label) => Images(Path.Combine(root, cls)).Select(f => (Path: f, Label: label)))
            .ToArray();
        var filled = files.Select(f => f.Label).ToHashSet();
        if (classes.Where((_, label) => !filled.Contains(label)).FirstOrDefault() is { } empty)
            throw new RmpSnnException($"{Path.Combine(root, empty)}: empty class folder; expected .jpg/.jpeg/.png images in every class folder");
        return FromFiles(name ?? DataFile.FolderName(root), root, files, classes.Count, resize, crop);
    }

    /// <summary>
    /// The ImageNet validation layout: every image in one <paramref name="folder"/>, its class in
    /// <paramref name="solutionCsv"/> (<c>ImageId,PredictionString</c>; the first synset of the prediction string is the
    /// label), classes indexed in the order of <paramref name="classNames"/> (torchvision's: the sorted synsets). Images are
    /// ordered by class, then file name, as torchvision's ImageNet dataset orders them.
    /// </summary>
    public static ImageDataset LoadFlat(string folder, string solutionCsv, IReadOnlyList<string> classNames, int resize = 256, int crop = 224,
        string? name = null)
    {
        if (crop <= 0 || crop > resize)
            throw new RmpSnnException($"--crop {crop}: expected a crop size between 1 and the resize size {resize}");
        DataFile.RequireFile(solutionCsv, "the ImageNet validation labels (LOC_val_solution.csv: ImageId,PredictionString)");
        var index = classNames.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var labels = new Dictionary<string, int>();
        foreach (var (line, number) in File.ReadLines(solutionCsv).Select((l, i) => (l, i + 1)).Skip(1).Where(p => p.l.Length > 0))
        {
            var fields = line.Split(',', 2);
            string? synset = fields.Length == 2 ? fields[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() : null;
            if (synset is null || !index.TryGetValue(synset, out int label))
                throw new RmpSnnException($"{solutionCsv}: line {number}: expected ImageId,<synset> … with a synset of the {classNames.Count} classes");
            labels[fields[0]] = label;
        }
        var files = Images(folder)
            .Select(f => (Path: f, Label: labels.TryGetValue(Path.GetFileNameWithoutExtension(f), out int l) ? l
                : throw new RmpSnnException($"{f}: not in {solutionCsv}; expected a label for every validation image")))
            .OrderBy(f => f.Label).ThenBy(f => f.Path, StringComparer.Ordinal)
            .ToArray();
        return FromFiles(name ?? DataFile.FolderName(folder), folder, files, classNames.Count, resize, crop);
    }

    /// <summary>The .jpg/.jpeg/.png files of <paramref name="folder"/>, by file name.</summary>
    static IEnumerable<string> Images(string folder) => Directory.EnumerateFiles(folder)
        .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
        .Order(StringComparer.Ordinal);

    static ImageDataset FromFiles(string name, string root, (string Path, int Label)[] files, int classes, int resize, int crop)
    {
        if (files.Length == 0)
            throw new RmpSnnException($"{root}: no .jpg/.jpeg/.png images");
        // Every file's header is read now, in parallel: one that cannot be read is left out and listed (Unreadable; --strict
        // makes that an error). The pixels are decoded by the batches that need them, so memory does not grow with the folder.
        var readable = new bool[files.Length];
        Parallel.For(0, files.Length, i =>
        {
            using var codec = SKCodec.Create(files[i].Path);
            readable[i] = codec is not null;
        });
        var kept = files.Where((_, i) => readable[i]).ToArray();
        if (kept.Length == 0)
            throw new RmpSnnException($"{files[0].Path}: cannot decode image; expected a JPEG or PNG file (and no image of {root} could be read)");
        string[] unreadable = [.. files.Where((_, i) => !readable[i]).Select(f => f.Path)];
        return new ImageDataset(name,
            new DecodedImages([.. kept.Select(f => f.Path)], (path, destination) => ReadImage(path, resize, crop, destination), unreadable),
            [.. kept.Select(f => f.Label)], 3, crop, crop, classes);
    }

    /// <summary>Decodes one image, resizes its shorter side to <paramref name="resize"/>, center-crops it, returns RGB planar bytes.</summary>
    public static byte[] ReadImage(string path, int resize = 256, int crop = 224)
    {
        var planar = new byte[3 * crop * crop];
        ReadImage(path, resize, crop, planar);
        return planar;
    }

    /// <summary>As <see cref="ReadImage(string, int, int)"/>, writing the 3 × crop × crop bytes into <paramref name="planar"/>.</summary>
    public static void ReadImage(string path, int resize, int crop, Span<byte> planar)
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
        for (int y = 0; y < crop; y++)
            for (int x = 0; x < crop; x++)
            {
                int src = (top + y) * resized.RowBytes + (left + x) * 4;
                for (int c = 0; c < 3; c++) planar[c * plane + y * crop + x] = rgba[src + c];
            }
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
