using RmpSnn.Cli;
using RmpSnn.Cli.Commands;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Models;

namespace RmpSnn.Tests.Cli;

/// <summary><c>rmpsnn train --init</c>: fine-tuning a ReLU model into a QCFS one on the shipped sample.</summary>
[Collection(SerialTorchRng.Name)]   // redirects Console.Error
public sealed class TrainInitCommandTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("rmpsnn-init-").FullName;
    readonly string _relu;

    public TrainInitCommandTests()
    {
        _relu = Path.Combine(_dir, "relu.model");
        using var network = ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10, Dropout: 0.1), seed: 1);
        ModelFile.Save(_relu, network,
            new ModelInfo(network.Spec, DatasetCatalog.DefaultNormalization("fashion-mnist-sample"), "fashion-mnist-sample"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static (int Code, string Errors) Run(params string[] args) => CliHarness.Run([TrainCommand.Create()], args);

    [Fact]
    public void InitTakesArchitectureAndDatasetFromTheModelAndCalibratesTheClips()
    {
        string output = Path.Combine(_dir, "qcfs.model");
        var (code, errors) = Run("train", "--init", _relu, "--activation", "qcfs", "--levels", "4", "--limit", "64", "--epochs", "1",
            "--batch", "32", "--lr", "1e-6", "--eval-split", "none", "--out", output);
        Assert.True(code == CliRunner.Ok, errors);
        var (network, info) = ModelFile.Load(output, TorchSharp.torch.CPU);
        using (network)
        {
            Assert.Equal(new ModelSpec("smallcnn", 1, 28, 10, Dropout: 0.1, Activation: "qcfs", QuantLevels: 4), info.Spec);
            Assert.Equal("fashion-mnist-sample", info.Dataset);
            var clips = ActivationProbe.Activations(network).Cast<RmpSnn.Graph.QcfsNode>().Select(q => q.Qcfs.Lambda.item<float>()).ToArray();
            Assert.Equal(4, clips.Length);
            Assert.All(clips, c => Assert.InRange(c, 1e-3f, 7.9f));   // percentiles of the ReLU activations, not the default 8
        }
    }

    [Fact]
    public void ArchitectureOptionsNextToInitAreAnError()
    {
        var (code, errors) = Run("train", "--init", _relu, "--arch", "vgg9", "--out", Path.Combine(_dir, "x.model"));
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("--arch", errors);
        Assert.Contains("--init", errors);
    }

    [Fact]
    public void TeacherIsRecordedInTheModelAndMustSeeTheSameInputs()
    {
        string output = Path.Combine(_dir, "kd.model");
        var (code, errors) = Run("train", "--init", _relu, "--teacher", _relu, "--distill-weight", "0.8", "--activation", "qcfs",
            "--limit", "64", "--epochs", "1", "--batch", "32", "--eval-split", "none", "--out", output);
        Assert.True(code == CliRunner.Ok, errors);
        Assert.Equal("teacher relu.model, weight 0.8, temperature 4", ModelFile.ReadInfo(output).Metadata!["teacher"]);

        string other = Path.Combine(_dir, "other-norm.model");
        using (var network = ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10), seed: 2))
            ModelFile.Save(other, network, new ModelInfo(network.Spec, new Normalization([0.5f], [0.25f]), "fashion-mnist-sample"));
        (code, errors) = Run("train", "--init", _relu, "--teacher", other, "--limit", "64", "--epochs", "1", "--eval-split", "none",
            "--out", Path.Combine(_dir, "x.model"));
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains($"--teacher {other}: normalises its inputs with mean [0.5] std [0.25]", errors);

        (code, errors) = Run("train", "--init", _relu, "--distill-temperature", "2", "--out", Path.Combine(_dir, "x.model"));
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("--distill-temperature: only applies with --teacher", errors);
        Assert.False(File.Exists(Path.Combine(_dir, "x.model")));
    }
}
