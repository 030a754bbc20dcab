using System.Buffers.Binary;
using System.IO.Compression;
using RmpSnn.Data;

namespace RmpSnn.Tests.Data;

public sealed class IdxReaderErrorTests : IDisposable
{
    readonly TempFolder _dir = new();
    public void Dispose() => _dir.Dispose();

    /// <summary>Writes a raw IDX file: magic, big-endian dimensions, then <paramref name="data"/>.</summary>
    string WriteIdx(string name, int magic, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        File.WriteAllBytes(_dir.File(name), bytes);
        return _dir.File(name);
    }

    string WriteImages(int count, int pixelBytes) => WriteIdx("train-images-idx3-ubyte", 0x803, [count, 2, 2], new byte[pixelBytes]);
    string WriteLabels(params byte[] labels) => WriteIdx("train-labels-idx1-ubyte", 0x801, [labels.Length], labels);

    [Fact]
    public void ReadsTinyRawFiles()
    {
        WriteIdx("train-images-idx3-ubyte", 0x803, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
        WriteLabels(3, 9);
        var data = IdxReader.Load(_dir.Path, train: true, name: "tiny");
        Assert.Equal(("tiny/train", 2, 2, 2), (data.Name, data.Count, data.Height, data.Width));
        Assert.Equal([3, 9], data.Labels);
        Assert.Equal([5, 6, 7, 8], data.Pixels(1).ToArray());
    }

    [Fact]
    public void BadImageMagicNumber()
    {
        string path = WriteIdx("train-images-idx3-ubyte", 0x801, [1, 2, 2], new byte[4]);
        WriteLabels(0);
        UserError.Expect(() => IdxReader.Load(_dir.Path, train: true), path, "magic number 0x00000801");
    }

    [Fact]
    public void BadLabelMagicNumber()
    {
        string path = WriteIdx("t10k-labels-idx1-ubyte", 0x803, [1], [0]);
        UserError.Expect(() => IdxReader.ReadLabels(path), path, "magic number 0x00000803");
    }

    [Fact]
    public void TruncatedImageFile()
    {
        string path = WriteImages(count: 3, pixelBytes: 10);
        UserError.Expect(() => IdxReader.ReadImages(path), path, "header promises 12");
    }

    [Fact]
    public void GzipPayloadShorterThanHeaderPromises()
    {
        string path = _dir.File("train-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, Gzip(File.ReadAllBytes(WriteImages(count: 3, pixelBytes: 12))[..20]));
        UserError.Expect(() => IdxReader.ReadImages(path), path, "4 data bytes, but the header promises 12");
    }

    [Fact]
    public void CutGzipStream()
    {
        string path = _dir.File("train-images-idx3-ubyte.gz");
        var pixels = Enumerable.Range(0, 1200).Select(i => (byte)(i * i % 251)).ToArray();
        byte[] gz = Gzip(File.ReadAllBytes(WriteIdx("train-images-idx3-ubyte", 0x803, [300, 2, 2], pixels)));
        File.WriteAllBytes(path, gz[..(gz.Length / 2)]);
        UserError.Expect(() => IdxReader.ReadImages(path), path, "file truncated or corrupt");
    }

    static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Optimal)) gz.Write(data);
        return output.ToArray();
    }

    [Fact]
    public void LabelOutOfRange()
    {
        string path = WriteLabels(0, 10);
        UserError.Expect(() => IdxReader.ReadLabels(path), path, "label 10 at index 1");
    }

    [Fact]
    public void ImageLabelCountMismatch()
    {
        string images = WriteImages(count: 3, pixelBytes: 12);
        string labels = WriteLabels(1, 2);
        UserError.Expect(() => IdxReader.Load(_dir.Path, train: true), labels, $"{images} has 3 images");
    }

    [Fact]
    public void MissingFile() =>
        UserError.Expect(() => IdxReader.Load(_dir.Path, train: false), _dir.File("t10k-images-idx3-ubyte.gz"), "file not found");
}
