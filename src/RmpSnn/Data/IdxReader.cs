using System.Buffers.Binary;

namespace RmpSnn.Data;

/// <summary>
/// Reads MNIST-style IDX files (MNIST, Fashion-MNIST), gzipped or raw: unsigned-byte images
/// (magic 0x00000803, <c>[N, rows, cols]</c>) and labels (magic 0x00000801, <c>[N]</c>, values 0–9).
/// </summary>
public static class IdxReader
{
    const int ImagesMagic = 0x00000803;
    const int LabelsMagic = 0x00000801;

    /// <summary>Number of classes of MNIST and Fashion-MNIST.</summary>
    public const int Classes = 10;

    /// <summary>
    /// Loads the training (<c>train-*</c>) or test (<c>t10k-*</c>) split from <paramref name="directory"/>, which holds
    /// <c>{train,t10k}-images-idx3-ubyte</c> and <c>{train,t10k}-labels-idx1-ubyte</c>, each optionally with <c>.gz</c>.
    /// The dataset is named <c>&lt;name&gt;/train</c> or <c>&lt;name&gt;/test</c>; <paramref name="name"/> defaults to the folder name.
    /// </summary>
    public static ImageDataset Load(string directory, bool train, string? name = null)
    {
        string prefix = train ? "train" : "t10k";
        string imagesPath = Find(directory, $"{prefix}-images-idx3-ubyte");
        string labelsPath = Find(directory, $"{prefix}-labels-idx1-ubyte");
        var (pixels, count, rows, columns) = ReadImages(imagesPath);
        int[] labels = ReadLabels(labelsPath);
        if (labels.Length != count)
            throw new RmpSnnException($"{labelsPath}: {labels.Length} labels, but {imagesPath} has {count} images; expected equal counts");
        name ??= DataFile.FolderName(directory);
        return new ImageDataset($"{name}/{(train ? "train" : "test")}", pixels, labels, 1, rows, columns, Classes);
    }

    /// <summary>Reads an IDX image file: pixels <c>[N, rows, cols]</c> row-major, with its dimensions.</summary>
    public static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        var (data, dims) = Read(path, ImagesMagic, dimensions: 3, "an IDX image file (magic 0x00000803)");
        return (data, dims[0], dims[1], dims[2]);
    }

    /// <summary>Reads an IDX label file; every label must lie in [0, 10).</summary>
    public static int[] ReadLabels(string path)
    {
        var (data, _) = Read(path, LabelsMagic, dimensions: 1, "an IDX label file (magic 0x00000801)");
        int bad = Array.FindIndex(data, label => label >= Classes);
        if (bad >= 0)
            throw new RmpSnnException($"{path}: label {data[bad]} at index {bad}; expected labels in 0..{Classes - 1}");
        return Array.ConvertAll(data, label => (int)label);
    }

    /// <summary>The path of <paramref name="baseName"/> in <paramref name="directory"/>, raw or with <c>.gz</c>.</summary>
    static string Find(string directory, string baseName)
    {
        string raw = Path.Combine(directory, baseName);
        if (File.Exists(raw)) return raw;
        string gz = raw + ".gz";
        DataFile.RequireFile(gz, $"{baseName} or {baseName}.gz (IDX format)");
        return gz;
    }

    /// <summary>Validates the header (magic, positive sizes, file length) and returns the payload and its dimensions.</summary>
    static (byte[] Data, int[] Dims) Read(string path, int magic, int dimensions, string expected)
    {
        byte[] file = DataFile.ReadAll(path, expected);
        int headerBytes = 4 * (1 + dimensions);
        if (file.Length < headerBytes)
            throw new RmpSnnException($"{path}: {file.Length} bytes, shorter than the {headerBytes}-byte header of {expected}");
        int actualMagic = BinaryPrimitives.ReadInt32BigEndian(file);
        if (actualMagic != magic)
            throw new RmpSnnException($"{path}: magic number 0x{actualMagic:x8}; expected {expected}");
        var dims = new int[dimensions];
        UInt128 payload = 1;
        for (int d = 0; d < dimensions; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(4 + 4 * d));
            if (dims[d] < 0 || (d > 0 && dims[d] == 0))
                throw new RmpSnnException($"{path}: dimension {d} is {dims[d]}; expected a positive size in {expected}");
            payload *= (uint)dims[d];
        }
        if ((UInt128)(file.Length - headerBytes) != payload)
            throw new RmpSnnException(
                $"{path}: {file.Length - headerBytes} data bytes, but the header promises {payload} ({string.Join('x', dims)}); " +
                "file truncated or corrupt");
        return (file[headerBytes..], dims);
    }
}
