using RmpSnn.Data;
using RmpSnn.Models;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Models;

public sealed class ModelFileTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rmpsnn-modelfile-").FullName;
    static readonly ModelSpec Spec = new("resnet20", 3, 32, 10, BatchNorm: true, Bias: true);
    static readonly Normalization Norm = new([0.49f, 0.48f, 0.45f], [0.25f, 0.24f, 0.26f]);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    string SavedModel(out Network network)
    {
        network = ModelZoo.Create(Spec, seed: 3);
        using (var _ = no_grad())
        using (var x = randn(4, 3, 32, 32))
            network.call(x).Dispose(); // training-mode forward: moves the BN running statistics off their defaults
        network.eval();
        string path = Path.Combine(dir, "net.rmpsnn");
        ModelFile.Save(path, network, new ModelInfo(Spec, Norm, "cifar10", 0.9125, 12,
            Metadata: new Dictionary<string, string> { ["command"] = "train --arch resnet20" }));
        return path;
    }

    [Fact]
    public void RoundTripReproducesLogitsAndHeader()
    {
        string path = SavedModel(out var original);
        var (loaded, info) = ModelFile.Load(path, CPU);
        using (original)
        using (loaded)
        using (var _ = no_grad())
        using (var x = randn(3, 3, 32, 32))
        {
            TensorAssert.SameState(original, loaded);
            Assert.True(TensorAssert.Same(original.call(x), loaded.call(x)));
        }
        Assert.Equal(Spec, info.Spec);
        Assert.Equal(Norm.Std, info.Normalization.Std);
        Assert.Equal(("cifar10", 0.9125, 12), (info.Dataset, info.Accuracy, info.Epochs));
        Assert.Equal("train --arch resnet20", info.Metadata!["command"]);
        Assert.True(DateTimeOffset.UtcNow - info.Created!.Value < TimeSpan.FromMinutes(5));
        var header = ModelFile.ReadInfo(path);
        Assert.Equal(info, header with { Normalization = info.Normalization, Metadata = info.Metadata, Graph = info.Graph });
        Assert.Equal(original.Graph.Nodes.Select(n => n.Name), header.Graph!.Nodes.Select(n => n.Name));   // the graph is stored
        Assert.Equal(["net.rmpsnn"], Directory.GetFiles(dir).Select(Path.GetFileName)); // no temp file left behind
    }

    [Fact]
    public void NonModelFileIsRejected()
    {
        string path = Path.Combine(dir, "notes.txt");
        File.WriteAllText(path, "hello, this is not a model");
        AssertError(() => ModelFile.Load(path, CPU), path, "not an RmpSnn model file");
        AssertError(() => ModelFile.ReadInfo(path), path, "not an RmpSnn model file");
        string missing = Path.Combine(dir, "missing.rmpsnn");
        AssertError(() => ModelFile.ReadInfo(missing), missing, "cannot read");
    }

    [Theory]
    [InlineData(6)]      // inside the magic
    [InlineData(40)]     // inside the JSON header
    [InlineData(-100)]   // inside the last weight tensor
    public void TruncatedFileIsRejected(int keep)
    {
        string path = SavedModel(out var network);
        network.Dispose();
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(keep > 0 ? keep : bytes.Length + keep)]);
        AssertError(() => ModelFile.Load(path, CPU), path, keep == 6 ? "not an RmpSnn model file" : "truncated");
    }

    [Fact]
    public void AFlippedByteInTheWeightsIsCaughtByTheChecksumAndOldFilesWithoutOneStillLoad()
    {
        string path = SavedModel(out var network);
        byte[] bytes = File.ReadAllBytes(path);
        byte[] flipped = (byte[])bytes.Clone();
        flipped[^100] ^= 0x10;                                  // inside the last weight tensor: still a valid float
        File.WriteAllBytes(path, flipped);
        AssertError(() => ModelFile.Load(path, CPU), path, "do not match their SHA-256");

        File.WriteAllBytes(path, bytes[..^40]);                 // without the trailer, as written before it existed
        var (loaded, _) = ModelFile.Load(path, CPU);
        using (network)
        using (loaded)
            TensorAssert.SameState(network, loaded);
    }

    [Fact]
    public void NonFiniteWeightsAreRefusedNamingTheWeight()
    {
        using var network = ModelZoo.Create(Spec, seed: 3);
        using (var _ = no_grad()) network.state_dict()["layers.0.weight"][0, 0, 0, 0] = float.NaN;
        string path = Path.Combine(dir, "nan.rmpsnn");
        ModelFile.Save(path, network, new ModelInfo(Spec, Norm, "cifar10"));
        AssertError(() => ModelFile.Load(path, CPU), path, "weight 'layers.0.weight' holds NaN or infinite values");
    }

    [Fact]
    public void WeightsOfAnotherShapeAreRejectedNamingTheParameter()
    {
        using var tenClasses = ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10));
        string path = Path.Combine(dir, "mismatch.rmpsnn");
        var fiveClasses = new ModelInfo(new ModelSpec("smallcnn", 1, 28, 5), Normalization.Identity(1), "fashion-mnist");
        ContainerFile.Write(path, ModelFile.Magic, fiveClasses, writer => StateDictIO.Write(writer, tenClasses));
        AssertError(() => ModelFile.Load(path, CPU), path, "'layers.13.weight' is Float32[10, 128] but the smallcnn spec expects Float32[5, 128]");
    }

    [Fact]
    public void SaveCreatesMissingFoldersAndFailsCleanlyWhereItCannotWrite()
    {
        using var net = ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10));
        var info = new ModelInfo(net.Spec, Normalization.Identity(1), "x");
        string nested = Path.Combine(dir, "new", "folder", "x.rmpsnn");
        ModelFile.Save(nested, net, info);
        Assert.Equal(info.Spec, ModelFile.ReadInfo(nested).Spec);
        string blocker = Path.Combine(dir, "a-file");
        File.WriteAllText(blocker, "");
        string path = Path.Combine(blocker, "x.rmpsnn");      // parent is a file: cannot be created
        AssertError(() => ModelFile.Save(path, net, info), path, "cannot write");
    }

    [Fact]
    public void SaveRefusesAnInfoForAnotherSpec()
    {
        using var net = ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10));
        var info = new ModelInfo(new ModelSpec("smallcnn", 1, 28, 5), Normalization.Identity(1), "x");
        Assert.Throws<ArgumentException>(() => ModelFile.Save(Path.Combine(dir, "x.rmpsnn"), net, info));
    }

    static void AssertError(Action action, string path, string expected)
    {
        var e = Assert.Throws<RmpSnnException>(action);
        Assert.StartsWith(path, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
