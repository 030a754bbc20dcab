using System.CommandLine;
using RmpSnn.Cli;
using RmpSnn.Cli.Commands;
using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Tests.Data;
using RmpSnn.Training;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Import;

/// <summary><c>rmpsnn import</c> on the real pretrained ResNet-20 (akamaster/pytorch_resnet_cifar10) reproduces PyTorch's accuracy.</summary>
public sealed class PretrainedImportTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static int Import(params string[] args) => CliRunner.Invoke(new RootCommand { ImportCommand.Create() }, ["import", .. args]);

    [Fact]
    public void ImportedResNet20ScoresWhatPyTorchScoresOnTheFirst1000TestImages()
    {
        string cifar = TestData.Cifar10, model = folder.File("resnet20-pretrained.model");
        Assert.Equal(CliRunner.Ok, Import(ImportTestFiles.ResNet20, "--arch", "resnet20", "--dataset", "cifar10", "--out", model,
            "--mean", "0.485", "0.456", "0.406", "--std", "0.229", "0.224", "0.225"));

        var (network, info) = ModelFile.Load(model, CPU);
        using (network)
        {
            var test = DatasetCatalog.Load("cifar10", cifar, "test");
            Assert.Equal(1000, test.Count);
            double accuracy = Evaluator.Accuracy(network, test, info.Normalization, 250, CPU);
            Assert.InRange(accuracy, 0.9140, 0.9160); // PyTorch float32: 91.50%
        }
        Assert.Equal(new ModelSpec("resnet20", 3, 32, 10, BatchNorm: true, Bias: true, Dropout: 0, Shortcut: "A"), info.Spec);
        Assert.Equal([0.229f, 0.224f, 0.225f], info.Normalization.Std);
        Assert.Equal("cifar10", info.Dataset);
        Assert.Equal("12fca82f0bebc4135bf1f32f6e3710e61d5108578464b84fd6d7f5c1b04036c8", info.Metadata!["sourceSha256"]);
        Assert.Equal("TorchLegacy", info.Metadata["sourceFormat"]);
        Assert.Equal(91.78, double.Parse(info.Metadata["checkpoint.best_prec1"], System.Globalization.CultureInfo.InvariantCulture), 4);
    }

    [Fact]
    public void AnExistingModelFileIsReplacedOnlyWithForce()
    {
        string model = folder.File("kept.model");
        File.WriteAllText(model, "an earlier model");
        string[] args = [ImportTestFiles.ResNet20, "--arch", "resnet20", "--dataset", "cifar10", "--out", model];
        Assert.Equal(CliRunner.Failure, Import(args));
        Assert.Equal("an earlier model", File.ReadAllText(model));
        Assert.Equal(CliRunner.Ok, Import([.. args, "--force"]));
        Assert.Equal("resnet20", ModelFile.ReadInfo(model).Spec.Arch);
    }

    [Fact]
    public void WrongArchitectureFailsWithoutWritingAModel()
    {
        string model = folder.File("wrong.model");
        Assert.Equal(CliRunner.Failure, Import(ImportTestFiles.ResNet20, "--arch", "resnet32", "--dataset", "cifar10", "--out", model));
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void HalfANormalisationIsAUserError()
    {
        string model = folder.File("half.model");
        Assert.Equal(CliRunner.Failure, Import(ImportTestFiles.ResNet20, "--arch", "resnet20", "--dataset", "cifar10", "--out", model,
            "--mean", "0.5", "0.5", "0.5"));
        Assert.False(File.Exists(model));
    }
}
