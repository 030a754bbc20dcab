using RmpSnn.Cli;
using RmpSnn.Cli.Commands;
using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Tests.Data;

namespace RmpSnn.Tests.Cli;

/// <summary>Non-finite option values, empty datasets and a folder as --out are one-line errors before any work starts.</summary>
[Collection(SerialTorchRng.Name)]   // CliHarness redirects the process's standard error; the model is made with a seed
public sealed class BadValueTests : IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    string Model()
    {
        string path = _folder.File("m.model");
        using var network = ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10), seed: 1);
        var normalization = DatasetCatalog.DefaultNormalization("fashion-mnist-sample");
        ModelFile.Save(path, network, new ModelInfo(network.Spec, normalization, "fashion-mnist-sample"));
        return path;
    }

    [Theory]
    [InlineData("--initial-potential")]
    [InlineData("--reset-potential")]
    public void NonFinitePotentialsStopSimulateBeforeItConverts(string option)
    {
        string model = Model();
        var (code, errors) = CliHarness.Run([SimulateCommand.Create()], "simulate", model, option, "nan", "--steps", "2", "--limit", "2");
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains(option, errors);
        Assert.False(File.Exists(model + ".snn.json"), "nothing should have been converted");
    }

    [Fact]
    public void StepsWhoseRecordsCannotFitAreOneLineSayingWhatFits()
    {
        string model = Model();
        var (code, errors) = CliHarness.Run([SimulateCommand.Create()], "simulate", model, "--steps", "1000000000", "--limit", "2",
            "--norm", "act-max", "--calib-images", "4", "--out", _folder.File("sim"));
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("--steps 1000000000: the per-step accuracy and spike records alone need", errors);
        Assert.Matches(@"at most \d+ steps fit", errors);
        Assert.Single(errors.Trim().Split('\n'));
    }

    [Fact]
    public void AFileAsTheResultsFolderStopsSimulateAndSweepBeforeAnyWork()
    {
        string model = Model(), file = _folder.File("results.txt");
        File.WriteAllText(file, "keep me");
        foreach (var command in new[] { "simulate", "sweep" })
        {
            var (code, errors) = CliHarness.Run([SimulateCommand.Create(), SweepCommand.Create()], command, model, "--steps", "2", "--limit", "2",
                "--out", file);
            Assert.Equal(CliRunner.Failure, code);
            Assert.Contains($"--out {file}: is a file; expected a folder", errors);
        }
        Assert.Equal("keep me", File.ReadAllText(file));
        Assert.False(File.Exists(model + ".snn.json"), "nothing should have been converted");
    }

    [Fact]
    public void TrainRejectsANonFiniteRateAndAFolderAsOutBeforeLoadingData()
    {
        var (code, errors) = CliHarness.Run([TrainCommand.Create()],
            "train", "--dataset", "fashion-mnist-sample", "--lr", "nan", "--out", _folder.File("x.model"));
        Assert.Equal((CliRunner.Failure, true), (code, errors.Contains("--lr NaN")));
        Assert.DoesNotContain("training", errors);
        (code, errors) = CliHarness.Run([TrainCommand.Create()], "train", "--dataset", "fashion-mnist-sample", "--out", _folder.Path);
        Assert.Equal((CliRunner.Failure, true), (code, errors.Contains("is a folder")));
    }

    [Fact]
    public void ImportRejectsANonFiniteMean()
    {
        var (code, errors) = CliHarness.Run([ImportCommand.Create()], "import", Import.ImportTestFiles.ResNet20, "--arch", "resnet20",
            "--dataset", "cifar10", "--mean", "nan", "0", "0", "--std", "1", "1", "1", "--out", _folder.File("r.model"));
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("--mean", errors);
        Assert.False(File.Exists(_folder.File("r.model")));
    }

    [Fact]
    public void ImportRefusesADatasetWhoseImagesTheNetworkCannotTake()
    {
        var (code, errors) = CliHarness.Run([ImportCommand.Create()], "import", Import.ImportTestFiles.ResNet20, "--arch", "resnet20",
            "--dataset", "fashion-mnist", "--out", _folder.File("r.model"));
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("--dataset fashion-mnist: its images are 1x28x28 in 10 classes, but the resnet20 network takes 3x32x32 -> 10", errors);
        Assert.False(File.Exists(_folder.File("r.model")));
    }

    [Fact]
    public void ADatasetWithoutImagesIsAnError()
    {
        string root = _folder.File("cifar");
        Directory.CreateDirectory(root);
        File.WriteAllBytes(Path.Combine(root, "test_batch.bin"), []);   // a zero-record file
        var e = Assert.Throws<RmpSnnException>(() => new DatasetSelection("cifar10", root, "test").Load());
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(e.Message.Contains("no images"), e.Message);
    }

    [Fact]
    public void NegativeThreadsAreAUsageError()
    {
        var (code, errors) = CliHarness.Run([SimulateCommand.Create()], "simulate", "m.model", "--threads", "-1");
        Assert.Equal(CliRunner.Usage, code);
        Assert.Contains("--threads -1", errors);
    }
}
