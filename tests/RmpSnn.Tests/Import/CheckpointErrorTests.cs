using RmpSnn.Import;

namespace RmpSnn.Tests.Import;

/// <summary>User errors give one-line <see cref="RmpSnnException"/>s that name the file and what was expected.</summary>
public class CheckpointErrorTests
{
    private static RmpSnnException ReadBytes(byte[] contents, string extension = ".pt")
    {
        using var file = new ImportTestFiles.TempFile(contents, extension);
        var e = Assert.Throws<RmpSnnException>(() => CheckpointReader.Read(file.Path));
        Assert.Contains(file.Path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    private static byte[] Prefix(string path, double fraction)
    {
        var bytes = File.ReadAllBytes(path);
        return bytes[..(int)(bytes.Length * fraction)];
    }

    [Fact]
    public void RandomBytesAreNotACheckpoint()
    {
        var bytes = new byte[4096];
        new Random(42).NextBytes(bytes);
        Assert.Contains("not a PyTorch checkpoint", ReadBytes(bytes).Message);
    }

    [Fact]
    public void EmptyFileIsNotACheckpoint() => Assert.Contains("not a PyTorch checkpoint", ReadBytes([]).Message);

    [Theory]
    [InlineData(0.98)]
    [InlineData(0.5)]
    [InlineData(0.05)]
    public void TruncatedLegacyFileIsReported(double fraction) =>
        Assert.Contains("truncated", ReadBytes(Prefix(ImportTestFiles.ResNet20, fraction)).Message);

    [Theory]
    [InlineData("zip_plain.pt")]
    [InlineData("zip_wrapped.pt")]
    public void TruncatedZipIsReported(string fixture) =>
        Assert.Contains("truncated or corrupt zip archive", ReadBytes(Prefix(ImportTestFiles.Fixture(fixture), 0.7)).Message);

    [Fact]
    public void TruncatedSafetensorsIsReported() =>
        Assert.Contains("truncated", ReadBytes(Prefix(ImportTestFiles.Fixture("tensors.safetensors"), 0.9), ".safetensors").Message);

    [Fact]
    public void PickledModuleIsAnUnsupportedGlobal()
    {
        string path = ImportTestFiles.Fixture("model_object.pt");
        var e = Assert.Throws<RmpSnnException>(() => CheckpointReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("unsupported pickle global 'torch.nn.modules.linear.Linear'", e.Message);
        Assert.Contains("state_dict()", e.Message);
    }

    [Fact]
    public void UnknownSafetensorsDtypeIsReported()
    {
        var header = System.Text.Encoding.UTF8.GetBytes("""{"x":{"dtype":"I8","shape":[2],"data_offsets":[0,2]}}""");
        var bytes = BitConverter.GetBytes((ulong)header.Length).Concat(header).Concat(new byte[2]).ToArray();
        Assert.Contains("unsupported dtype I8", ReadBytes(bytes, ".safetensors").Message);
    }

    [Fact]
    public void MissingFileIsReported()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rmpsnn-missing-{Guid.NewGuid():N}.pt");
        var e = Assert.Throws<RmpSnnException>(() => CheckpointReader.Read(path));
        Assert.Contains(path, e.Message);
    }
}
