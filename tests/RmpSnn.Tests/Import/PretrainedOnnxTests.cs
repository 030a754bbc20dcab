using System.CommandLine;
using RmpSnn.Cli;
using RmpSnn.Cli.Commands;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Evaluation;
using RmpSnn.Models;
using RmpSnn.Snn;
using RmpSnn.Tests.Data;
using RmpSnn.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Import;

/// <summary>
/// The real pretrained ResNet-20, exported to ONNX by PyTorch with its own option-A shortcut (Slice + Pad), imports with
/// PyTorch's accuracy and converts to the same SNN as the checkpoint import.
/// </summary>
public sealed class PretrainedOnnxTests(ITestOutputHelper output) : IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    static int Import(params string[] args) => CliRunner.Invoke(new RootCommand { ImportCommand.Create() }, ["import", .. args]);

    static readonly string[] Normalisation = ["--mean", "0.485", "0.456", "0.406", "--std", "0.229", "0.224", "0.225"];

    [Fact]
    public void ResNet20ThroughOnnxScoresLikePyTorchAndConvertsLikeTheCheckpoint()
    {
        string onnx = _folder.File("resnet20.onnx"), viaOnnx = _folder.File("onnx.model"), viaCheckpoint = _folder.File("th.model");
        PythonTorch.RunScript(ImportTestFiles.Experiment("export_resnet20_onnx.py"), ImportTestFiles.ResNet20, onnx);
        Assert.Equal(CliRunner.Ok, Import([onnx, "--dataset", "cifar10", "--out", viaOnnx, .. Normalisation]));
        Assert.Equal(CliRunner.Ok,
            Import([ImportTestFiles.ResNet20, "--arch", "resnet20", "--dataset", "cifar10", "--out", viaCheckpoint, .. Normalisation]));
        var test = DatasetCatalog.Load("cifar10", TestData.Cifar10, "test");
        var calibration = DatasetCatalog.Load("cifar10", TestData.Cifar10, "train").Take(100);
        var images = test.Take(50);
        var curves = new List<long[]>();
        foreach (string path in new[] { viaOnnx, viaCheckpoint })
        {
            var (network, info) = ModelFile.Load(path, CPU);
            using (network)
            {
                double accuracy = Evaluator.Accuracy(network, test, info.Normalization, 250, CPU);
                output.WriteLine($"{info.Spec.Arch}: ANN {100 * accuracy:F2} %");
                Assert.InRange(accuracy, 0.9140, 0.9160);   // PyTorch float32: 91.50 %
                using var snn = ConversionPipeline.Compile(network, info.Normalization, new ConversionOptions(), new NeuronOptions(ResetMode.Soft),
                    SimulationEngine.Dense, CPU);
                snn.SetThresholds(ThresholdBalancer.Balance(snn, network, calibration, info.Normalization,
                    new BalancingOptions(NormMode.ActMax, CalibrationImages: 100), CPU));
                var result = Simulator.Run([("soft", snn)], images, new SimulationOptions(64, InputCoding.Direct),
                    new ExecutionOptions(BatchSize: 50), CPU)[0];
                output.WriteLine($"{info.Spec.Arch}: SNN {result.AccuracyAt(32)} / {result.AccuracyAt(64)} % at T = 32 / 64");
                curves.Add(result.CorrectPerStep);
            }
        }
        // BatchNorm is folded by the exporter on one path and by RmpSnn on the other: rounding moves at most a couple of images
        Assert.True(curves[0].Zip(curves[1]).All(p => Math.Abs(p.First - p.Second) <= 2),
            $"per-step correct counts differ by more than 2 images: {string.Join(",", curves[0])} vs {string.Join(",", curves[1])}");
        Assert.True(curves[0][^1] >= 30, $"the SNN should classify by T = 64: {curves[0][^1]}/50");

        // the exporter's per-axis Slices are merged into one, so the option-A shortcut exports to NIR as a 1×1 conv
        var (imported, importedInfo) = ModelFile.Load(viaOnnx, CPU);
        using (imported)
        {
            Assert.Equal(2, imported.Graph.Nodes.Count(n => n is RmpSnn.Graph.SliceNode));
            var graph = Converter.Convert(imported, importedInfo.Normalization, new ConversionOptions());
            var thresholds = graph.Nodes.OfType<RmpSnn.Graph.IntegrateFireNode>().ToDictionary(n => n.Name, _ => 1f);
            var report = RmpSnn.Export.NirExport.Write(_folder.File("resnet20.nir"), graph, thresholds, new NeuronOptions(ResetMode.Soft));
            Assert.True(report.Nodes > 80, $"{report.Nodes} NIR nodes");
        }
    }
}
