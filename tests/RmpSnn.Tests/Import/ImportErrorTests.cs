using RmpSnn.Export;
using RmpSnn.Import;
using RmpSnn.Models;
using RmpSnn.Tests.Data;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Import;

/// <summary>Checkpoints that do not fit the target architecture give one clear error naming the file and the offending keys.</summary>
public sealed class ImportErrorTests : IDisposable
{
    private static readonly ModelSpec ResNet20 = new("resnet20", 3, 32, 10, BatchNorm: true, Bias: true, Dropout: 0, Shortcut: "A");
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>Reads <paramref name="path"/> and imports it into <paramref name="spec"/>, as <c>rmpsnn import</c> does.</summary>
    private static void Import(string path, ModelSpec spec)
    {
        using var checkpoint = CheckpointReader.Read(path);
        CheckpointImporter.Import(checkpoint, spec).Dispose();
    }

    /// <summary>An akamaster resnet20 state dict, edited by <paramref name="edit"/>, saved as safetensors.</summary>
    private string Saved(int depth, Action<OrderedDictionary<string, Tensor>>? edit = null)
    {
        var sd = AkamasterResNet.StateDict(depth, optionB: false, seed: 1);
        edit?.Invoke(sd);
        string path = folder.File($"resnet{depth}-{Guid.NewGuid():N}.safetensors");
        SafetensorsFile.Write(path, sd);
        foreach (var t in sd.Values) t.Dispose();
        return path;
    }

    [Fact]
    public void NonFiniteWeightsAreRefusedNamingTheTensor()
    {
        string path = Saved(20, sd => sd["layer2.1.conv1.weight"][0, 0, 1, 1] = float.PositiveInfinity);
        UserError.Expect(() => Import(path, ResNet20), path, "holds NaN or infinite values");
    }

    [Fact]
    public void WrongArchitectureListsTheUnexpectedBlocks()
    {
        string path = Saved(32);
        UserError.Expect(() => Import(path, ResNet20), path,
            "does not fit resnet20: unexpected 60 (layer1.3.conv1.weight, layer1.3.bn1.weight, layer1.3.bn1.bias, …)");
    }

    [Fact]
    public void MissingKeyIsNamed()
    {
        string path = Saved(20, sd => sd.Remove("layer3.2.bn2.weight"));
        UserError.Expect(() => Import(path, ResNet20), path, "does not fit resnet20: missing 1 (layer3.2.bn2.weight)");
    }

    [Fact]
    public void WrongShapeIsNamedWithBothShapes()
    {
        string path = Saved(20, sd => sd["conv1.weight"] = zeros(32, 3, 3, 3));
        UserError.Expect(() => Import(path, ResNet20), path,
            "does not fit resnet20: wrong shape 1 (conv1.weight is [32,3,3,3], expected [16,3,3,3])");
    }

    [Fact]
    public void AllKindsOfMismatchAreReportedTogether()
    {
        string path = Saved(20, sd =>
        {
            sd.Remove("bn1.running_mean");
            sd["extra.weight"] = ones(1);
            sd["linear.bias"] = zeros(100);
        });
        UserError.Expect(() => Import(path, ResNet20), path,
            "missing 1 (bn1.running_mean), unexpected 1 (extra.weight), wrong shape 1 (linear.bias is [100], expected [10])");
    }

    [Fact]
    public void BatchCountsAreCopiedWhenPresentAndOptionalOtherwise()
    {
        string path = Saved(20, sd => sd.Insert(2, "bn1.num_batches_tracked", tensor(1234L)));
        using var checkpoint = CheckpointReader.Read(path);
        using var network = CheckpointImporter.Import(checkpoint, ResNet20);
        Assert.Equal(1234L, network.state_dict()["layers.1.num_batches_tracked"].item<long>());
        Assert.Equal(0L, network.state_dict()["layers.3.main.1.num_batches_tracked"].item<long>());
    }

    [Fact]
    public void UnsupportedArchitectureIsRefused()
    {
        string path = Saved(20);
        var e = Assert.Throws<RmpSnnException>(() => Import(path, ResNet20 with { Arch = "smallcnn", Shortcut = null }));
        Assert.Equal("--arch smallcnn: cannot import PyTorch weights into it; supported: resnet20, resnet32, resnet44, resnet56, resnet18, " +
            "resnet34, vgg9, vgg11, vgg16", e.Message);
    }

    [Fact]
    public void NotACheckpointIsReported()
    {
        string path = folder.File("notes.pth");
        File.WriteAllText(path, "these are not weights");
        UserError.Expect(() => Import(path, ResNet20), path, "not a PyTorch checkpoint");
    }

    [Fact]
    public void TruncatedCheckpointIsReported()
    {
        string path = folder.File("resnet20-truncated.th");
        var bytes = File.ReadAllBytes(ImportTestFiles.ResNet20);
        File.WriteAllBytes(path, bytes[..(bytes.Length * 3 / 4)]);
        UserError.Expect(() => Import(path, ResNet20), path, "truncated");
    }
}
