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
        // Every file's header and end are read now, in parallel: one that cannot be read is left out and listed (Unreadable;
        // --strict makes that an error). The pixels are decoded by the batches that need them, so memory does not grow with
        // the folder.
        var readable = new bool[files.Length];
        Parallel.For(0, files.Length, i => readable[i] = Readable(files[i].Path));
        var kept = files.Where((_, i) => readable[i]).ToArray();
        if (kept.Length == 0)
            throw new RmpSnnException($"{files[0].Path}: cannot decode image; expected a JPEG or PNG file (and no image of {root} could be read)");
        string[] unreadable = [.. files.Where((_, i) => !readable[i]).Select(f => f.Path)];
        return new ImageDataset(name,
            new DecodedImages([.. kept.Select(f => f.Path)], (path, destination, randomCrop) => ReadImage(path, resize, crop, destination, randomCrop), unreadable),
            [.. kept.Select(f => f.Label)], 3, crop, crop, classes);
    }

    /// <summary>
    /// Whether <paramref name="path"/> is an image that decodes to its last row, judged without decoding it when it ends as a
    /// complete file does: a JPEG with its end-of-image marker (zero padding allowed), a PNG with its IEND chunk. Any other
    /// file (truncated, another format, data appended) is decoded in full to decide. Damage inside a file with an intact
    /// end is found when its batch decodes it, as an error naming the file.
    /// </summary>
    static bool Readable(string path)
    {
        using var codec = SKCodec.Create(path);
        if (codec is null) return false;
        if (EndsComplete(path, codec.EncodedFormat)) return true;
        using var pixels = Decode(codec, out var result);
        return result == SKCodecResult.Success;
    }

    /// <summary>
    /// Decodes <paramref name="codec"/>'s image into a pooled RGBA buffer. <paramref name="result"/> tells a truncated file:
    /// decoding returns the rows it got and fills the rest.
    /// </summary>
    static PooledPixels Decode(SKCodec codec, out SKCodecResult result)
    {
        var pixels = new PooledPixels(codec.Info.WithColorType(SKColorType.Rgba8888).WithAlphaType(SKAlphaType.Unpremul));
        result = codec.GetPixels(pixels.Info, pixels.Address);
        return pixels;
    }

    static bool EndsComplete(string path, SKEncodedImageFormat format)
    {
        ReadOnlySpan<byte> end = format switch
        {
            SKEncodedImageFormat.Jpeg => [0xFF, 0xD9],
            SKEncodedImageFormat.Png => [(byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82],   // IEND and its CRC
            _ => [],
        };
        if (end.IsEmpty) return false;
        using var stream = File.OpenRead(path);
        var tail = new byte[(int)Math.Min(1024, stream.Length)];
        stream.Seek(-tail.Length, SeekOrigin.End);
        stream.ReadExactly(tail);
        return (format == SKEncodedImageFormat.Jpeg ? tail.AsSpan().TrimEnd((byte)0) : tail).EndsWith(end);
    }

    /// <summary>Decodes one image, resizes its shorter side to <paramref name="resize"/>, center-crops it, returns RGB planar bytes.</summary>
    public static byte[] ReadImage(string path, int resize = 256, int crop = 224)
    {
        var planar = new byte[3 * crop * crop];
        ReadImage(path, resize, crop, planar);
        return planar;
    }

    /// <summary>
    /// As <see cref="ReadImage(string, int, int)"/>, writing the 3 × crop × crop bytes into <paramref name="planar"/>. With
    /// <paramref name="randomCrop"/>, the training transform instead: a <see cref="RandomResizedCrop"/> of the decoded image drawn
    /// from that generator, scaled to crop × crop (<paramref name="resize"/> unused).
    /// </summary>
    public static void ReadImage(string path, int resize, int crop, Span<byte> planar, Random? randomCrop = null)
    {
        using var codec = SKCodec.Create(path)
            ?? throw new RmpSnnException($"{path}: cannot decode image; expected a JPEG or PNG file");
        using var decoded = Decode(codec, out var result);
        if (result != SKCodecResult.Success)
            throw new RmpSnnException(result == SKCodecResult.IncompleteInput
                ? $"{path}: truncated image (the file ends before its last row); expected a complete JPEG or PNG file"
                : $"{path}: cannot decode image ({result}); expected a JPEG or PNG file");
        var info = decoded.Info;
        if (randomCrop is not null)
        {
            var (top, left, height, width) = RandomResizedCrop.Parameters(info.Width, info.Height, randomCrop);
            using var pixmap = decoded.Pixmap();
            using var window = pixmap.ExtractSubset(SKRectI.Create(left, top, width, height))
                ?? throw new InvalidOperationException($"crop window {width}x{height} at ({left}, {top}) outside a {info.Width}x{info.Height} image");
            using var output = new PooledPixels(info.WithSize(crop, crop));
            Scale(path, window, output);
            output.CopyPlanar(SKRectI.Create(0, 0, crop, crop), planar);
            return;
        }
        var (scaledWidth, scaledHeight) = ShorterSide(info.Width, info.Height, resize);
        // Same offsets as torchvision's CenterCrop.
        var region = SKRectI.Create((int)Math.Round((scaledWidth - crop) / 2.0), (int)Math.Round((scaledHeight - crop) / 2.0), crop, crop);
        if ((scaledWidth, scaledHeight) == (info.Width, info.Height))
        {
            decoded.CopyPlanar(region, planar);
            return;
        }
        using var resized = new PooledPixels(info.WithSize(scaledWidth, scaledHeight));
        using (var source = decoded.Pixmap()) Scale(path, source, resized);
        resized.CopyPlanar(region, planar);
    }

    static void Scale(string path, SKPixmap source, PooledPixels destination)
    {
        using var target = destination.Pixmap();
        if (!source.ScalePixels(target, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)))
            throw new RmpSnnException($"{path}: cannot resize a {source.Width}x{source.Height} image to {target.Width}x{target.Height}");
    }

    /// <summary>The size that makes the shorter side <paramref name="size"/>, the longer one truncated (torchvision's Resize).</summary>
    static (int Width, int Height) ShorterSide(int width, int height, int size)
    {
        int shorter = Math.Min(width, height);
        return (width == shorter ? size : (int)((long)size * width / shorter), height == shorter ? size : (int)((long)size * height / shorter));
    }
}
