using RmpSnn.Cli;
using RmpSnn.Cli.Commands;
using RmpSnn.Conversion;
using RmpSnn.Conversion.Recipes;
using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Snn;
using RmpSnn.Tests.Cli;
using RmpSnn.Tests.Data;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Conversion;

/// <summary>
/// Post-training calibration on the demo's CNN and the shipped Fashion-MNIST sample: the threshold search lowers the
/// quantisation error against act-max thresholds, bias correction lowers each layer's per-channel mean error, potential
/// correction lowers it further; recipes resolve to their documented settings; calibration refuses evaluated images.
/// </summary>
[Collection(SerialTorchRng.Name)]   // seeds torch; CliHarness redirects standard error
public sealed class PostTrainingCalibrationTests(ITestOutputHelper output)
{
    const int Steps = 8;
    static readonly Normalization Norm = DatasetCatalog.DefaultNormalization("fashion-mnist-sample");

    static (Network Ann, ImageDataset Images) Setup()
    {
        var ann = ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10), seed: 7);
        ann.eval();
        return (ann, DatasetCatalog.Load("fashion-mnist-sample", null, "train").Take(48));
    }

    /// <summary>Mean over channels of |ANN channel mean − SNN channel mean| at every IF layer, with the network's current corrections.</summary>
    static double[] LayerErrors(SpikingNetwork snn, Network ann, ImageDataset images)
    {
        using var stats = AnnStatistics.Collect(snn, ann, images, Norm, 16, 0, CPU, MaxPoolMode.Gate);
        return snn.Neurons.Select(l => stats.ChannelMeans[l.Name]
            .Zip(PostTrainingCalibration.SnnChannelMeans(snn, l, images, Steps, 16, Steps, CPU), (a, o) => Math.Abs(a - o)).Average()).ToArray();
    }

    [Fact]
    public void BiasThenPotentialCorrectionLowerEveryLayersChannelMeanError()
    {
        var (ann, images) = Setup();
        using var _ = ann;
        using var snn = ConversionPipeline.Compile(ann, Norm, new ConversionOptions(), new NeuronOptions(ResetMode.Soft, InitialPotential: 0.5f),
            SimulationEngine.Dense, CPU);
        snn.SetThresholds(PostTrainingCalibration.SearchThresholds(snn, ann, images, Norm, Steps, 16, 0, CPU, MaxPoolMode.Gate));
        var none = LayerErrors(snn, ann, images);
        snn.SetCorrections(PostTrainingCalibration.Correct(snn, ann, images, Norm, Steps, 16, Steps, CPU, MaxPoolMode.Gate, potentialCorrection: false));
        var bias = LayerErrors(snn, ann, images);
        snn.SetCorrections(PostTrainingCalibration.Correct(snn, ann, images, Norm, Steps, 16, Steps, CPU, MaxPoolMode.Gate));
        var both = LayerErrors(snn, ann, images);
        output.WriteLine($"mean |channel error| per layer: none {string.Join(" ", none.Select(e => e.ToString("G3")))}; " +
            $"bias {string.Join(" ", bias.Select(e => e.ToString("G3")))}; bias+potential {string.Join(" ", both.Select(e => e.ToString("G3")))}");
        for (int l = 0; l < none.Length; l++)
        {
            Assert.True(bias[l] < none[l], $"layer {l}: bias correction left the error at {bias[l]:G3} (from {none[l]:G3})");
            Assert.True(both[l] < bias[l], $"layer {l}: potential correction left the error at {both[l]:G3} (from {bias[l]:G3})");
        }
    }

    [Fact]
    public void RecipesResolveToTheirDocumentedSettingsAndOptionsOverrideThem()
    {
        var calibrated = ConversionRecipe.Named("calibrated").Balancing(new BalancingOptions(), simulationSteps: 64);
        Assert.Equal((NormMode.Calibrated, 256, 16, InputCoding.Direct),
            (calibrated.Mode, calibrated.CalibrationImages, calibrated.CalibrationSteps, calibrated.Encoding));
        Assert.Equal(8, ConversionRecipe.Named("fast").Balancing(new BalancingOptions(), simulationSteps: 8).CalibrationSteps);
        var paper = ConversionRecipe.Named("paper");
        Assert.Equal((NormMode.Spike, 100, 128, InputCoding.Poisson), (paper.Norm, paper.CalibrationImages, paper.CalibrationSteps(64), paper.CalibrationEncoding));
        Assert.Equal([ResetMode.Soft, ResetMode.Hard], paper.Resets);
        Assert.Equal([1.0, 0.8], paper.Alphas);
        Assert.Equal("qcfs", ConversionRecipe.DefaultFor(new ModelSpec("resnet20", 3, 32, 10) { Activation = "qcfs" }).Name);
        Assert.Equal("calibrated", ConversionRecipe.DefaultFor(new ModelSpec("resnet20", 3, 32, 10)).Name);
        UserError.Expect(() => ConversionRecipe.Named("magic"), "--recipe magic", "calibrated, fast, paper, qcfs");

        var binder = new ConversionOptionsBinder();
        var command = new System.CommandLine.Command("x");
        binder.AddTo(command);
        var spec = new ModelSpec("smallcnn", 1, 28, 10);
        BalancingOptions Resolve(params string[] args) => binder.Balancing(command.Parse(args), 0, spec, simulationSteps: 64);
        Assert.Equal(calibrated with { Percentile = 99.9 }, Resolve() with { Percentile = 99.9 });
        var overridden = Resolve("--recipe", "paper", "--calib-images", "7", "--encoding", "direct");
        Assert.Equal((NormMode.Spike, 7, 128, InputCoding.Direct), (overridden.Mode, overridden.CalibrationImages, overridden.CalibrationSteps, overridden.Encoding));
        Assert.Equal(NormMode.Search, Resolve("--norm", "search").Mode);
        Assert.Equal("bias+potential", Resolve().CorrectionKinds);
        Assert.Equal("bias", Resolve("--corrections", "bias").CorrectionKinds);
        Assert.Equal("", Resolve("--corrections", "none").CorrectionKinds);
        Assert.Null(Resolve("--recipe", "fast").CorrectionKinds);
        Assert.Equal((NormMode.ActMax, 100, InputCoding.Poisson), (Resolve("--norm", "act-max").Mode, Resolve("--norm", "act-max").CalibrationImages,
            Resolve("--norm", "act-max").Encoding));
    }

    /// <summary>A random smallcnn saved as a model file of the shipped sample in <paramref name="folder"/>.</summary>
    static string SavedSmallCnn(TempFolder folder)
    {
        string model = folder.File("m.model");
        using var network = ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10), seed: 1);
        ModelFile.Save(model, network, new ModelInfo(network.Spec, Norm, "fashion-mnist-sample"));
        return model;
    }

    [Fact]
    public void ASweepOfARecipeTakesItsNormCodingResetsAndAlphas()
    {
        using var folder = new TempFolder();
        string model = SavedSmallCnn(folder);
        var (code, errors) = CliHarness.Run([SweepCommand.Create()], "sweep", model, "--recipe", "fast", "--steps", "8", "--limit", "20",
            "--calib-images", "32", "--out", folder.File("sweep"));
        Assert.True(code == CliRunner.Ok, errors);
        var file = RmpSnn.Experiments.SweepFile.Load(folder.File("sweep"))!;
        Assert.Equal([NormMode.Search], file.Settings.Norms);
        Assert.Equal([InputCoding.Direct], file.Settings.Encodings);
        Assert.Equal([ResetMode.Soft], file.Settings.Resets);
        Assert.Equal([1.0], file.Settings.Alphas);
        Assert.Equal((32, 8), (file.Settings.CalibrationImages, file.Settings.CalibrationSteps));
        Assert.Equal(0.5f, BalancedThresholds.Load(folder.File(Path.Combine("sweep", file.Cells.Single().Converted))).InitialPotential);
    }

    [Fact]
    public void CalibrationRefusesTheEvaluatedSplit()
    {
        using var folder = new TempFolder();
        string model = SavedSmallCnn(folder);
        foreach (var split in new[] { "test", "val" })
        {
            var (code, errors) = CliHarness.Run([ConvertCommand.Create()], "convert", model, "--split", split, "--val", "100", "--recipe", "fast");
            Assert.Equal(CliRunner.Failure, code);
            Assert.Contains($"--split {split}: calibration reads the training split only", errors);
        }
        Assert.False(File.Exists(model + ".snn.json"));
    }
}
