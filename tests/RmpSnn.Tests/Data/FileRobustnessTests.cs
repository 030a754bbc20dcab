using System.Text;
using System.Text.Json.Nodes;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Models;

namespace RmpSnn.Tests.Data;

/// <summary>Damaged headers, leftovers of killed writes and symbolic links to data files.</summary>
[Collection(SerialTorchRng.Name)]   // builds a seeded model
public sealed class FileRobustnessTests : IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A model file whose JSON header has been changed by <paramref name="edit"/>.</summary>
    string ModelWithHeader(Action<JsonObject> edit)
    {
        string path = _folder.File($"m{Guid.NewGuid():N}.model");
        using (var network = ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10), seed: 1))
            ModelFile.Save(path, network,
                new ModelInfo(network.Spec, DatasetCatalog.DefaultNormalization("fashion-mnist-sample"), "fashion-mnist-sample"));
        byte[] bytes = File.ReadAllBytes(path);
        int length = BitConverter.ToInt32(bytes, 8);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 12, length))!.AsObject();
        edit(header);
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        File.WriteAllBytes(path, [.. bytes[..8], .. BitConverter.GetBytes(json.Length), .. json, .. bytes[(12 + length)..]]);
        return path;
    }

    [Theory]
    [InlineData("Spec")]
    [InlineData("Normalization")]
    [InlineData("Dataset")]
    public void AModelHeaderWithoutAFieldIsOneLineNamingIt(string field)
    {
        string path = ModelWithHeader(h => h.Remove(field));
        UserError.Expect(() => ModelFile.ReadInfo(path), path, $"'{field}'");
        UserError.Expect(() => ModelFile.Load(path, TorchSharp.torch.CPU), path, $"'{field}'");
    }

    [Fact]
    public void ANonPositiveStdInAHeaderIsRefused()
    {
        string path = ModelWithHeader(h => h["Normalization"]!["Std"] = new JsonArray(0.0));
        UserError.Expect(() => ModelFile.ReadInfo(path), path, "positive finite stds");
    }

    [Fact]
    public void AConvertedFileWithoutThresholdsIsOneLine()
    {
        string path = _folder.File("x.snn.json");
        File.WriteAllText(path, """{ "ModelPath": "m", "ModelSha256": "00", "Arch": "smallcnn" }""");
        UserError.Expect(() => BalancedThresholds.Load(path), path, "'Thresholds'");
    }

    [Fact]
    public void AConvertedFileFromBeforeBurstNeuronsReadsAsIfNeurons()
    {
        string path = _folder.File("old.snn.json");
        File.WriteAllText(path, """{ "ModelPath": "m", "ModelSha256": "00", "Arch": "smallcnn", "Thresholds": { "soft": { "a": 1.5 } } }""");
        var converted = BalancedThresholds.Load(path);
        Assert.Equal(1, converted.MaxBurst);
        Assert.False(converted.Signed);
    }

    [Fact]
    public void TheNextWriteRemovesTempFilesAKilledWriteLeft()
    {
        string target = _folder.File("results.json");
        string stale = _folder.File(".results.json.0123456789abcdef.tmp");
        File.WriteAllText(stale, "half a file");
        AtomicFile.WriteAllText(target, "{}");
        Assert.False(File.Exists(stale));
        Assert.Equal("{}", File.ReadAllText(target));
    }

    [Fact]
    public void CifarFilesMayBeSymbolicLinks()
    {
        string root = _folder.File("linked");
        Directory.CreateDirectory(root);
        string name = File.Exists(Path.Combine(TestData.Cifar10, "test_batch.bin")) ? "test_batch.bin" : "test_batch_first1000.bin";
        string real = Path.Combine(TestData.Cifar10, name);
        File.CreateSymbolicLink(Path.Combine(root, Path.GetFileName(real)), real);
        var linked = new DatasetSelection("cifar10", root, "test").Load();
        var direct = new DatasetSelection("cifar10", TestData.Cifar10, "test").Load();
        Assert.Equal(direct.Count, linked.Count);
    }
}
