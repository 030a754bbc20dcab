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

    /// <summary>
    /// Mean over channels of |ANN channel mean − SNN channel mean| at every IF layer over T and 2T steps ([horizon][layer]),
    /// with the network's current corrections.
    /// </summary>
    static double[][] LayerErrors(SpikingNetwork snn, Network ann, ImageDataset images)
    {
        using var stats = AnnStatistics.Collect(snn, ann, images, Norm, 16, 0, CPU, MaxPoolMode.Gate);
        var errors = snn.Neurons.Select(l => PostTrainingCalibration.SnnChannelMeans(snn, l, images, [Steps, 2 * Steps], 16, Steps, CPU)
            .Select(means => stats.ChannelMeans[l.Name].Zip(means, (a, o) => Math.Abs(a - o)).Average()).ToArray()).ToArray();
        return [errors.Select(e => e[0]).ToArray(), errors.Select(e => e[1]).ToArray()];
    }

    /// <summary>The SNN of <paramref name="ann"/> as the calibrated recipe runs it: soft reset, V(0) = V_th/2.</summary>
    static SpikingNetwork Compile(Network ann, SimulationEngine engine) =>
        ConversionPipeline.Compile(ann, Norm, new ConversionOptions(), new NeuronOptions(ResetMode.Soft, InitialPotential: 0.5f), engine, CPU);

    static string Show(double[][] errors) => string.Join(" / ", errors.Select(h => string.Join(" ", h.Select(e => e.ToString("G3")))));

    [Fact]
    public void BurstNeuronsSearchTheClipAtGammaTimesTheLevelsAndTakeItOverGamma()
    {
        // Γ spikes per step over T steps quantise like an IF neuron over Γ·T steps whose threshold is the clip
        var (ann, images) = Setup();
        using var _ = ann;
        using var snn = Compile(ann, SimulationEngine.Dense);
        var options = new BalancingOptions(NormMode.Search, CalibrationImages: 48, CalibrationSteps: Steps, BatchSize: 16);
        var ifAtTwiceT = ThresholdBalancer.Balance(snn, ann, images, Norm, options with { CalibrationSteps = 2 * Steps }, CPU);
        var burst = ThresholdBalancer.Balance(snn, ann, images, Norm, options with { MaxBurst = 2 }, CPU);
        var ifAtT = ThresholdBalancer.Balance(snn, ann, images, Norm, options, CPU);
        foreach (var (layer, clip) in ifAtTwiceT) Assert.Equal(clip / 2, burst[layer]);
        Assert.NotEqual(ifAtT.Values, burst.Values.Select(v => v * 2));   // not merely the IF thresholds halved
    }

    [Fact]
    public void EachCorrectionLowersTheChannelMeanErrorItTargets()
    {
        var (ann, images) = Setup();
        using var _ = ann;
        using var snn = Compile(ann, SimulationEngine.Dense);
        snn.SetThresholds(PostTrainingCalibration.SearchThresholds(snn, ann, images, Norm, Steps, 16, 0, CPU, MaxPoolMode.Gate));
        var none = LayerErrors(snn, ann, images);
        Dictionary<string, LayerCorrection> Correct(bool bias, bool potential)
        {
            snn.SetCorrections(new Dictionary<string, LayerCorrection>());
            var corrections = PostTrainingCalibration.Correct(snn, ann, images, Norm, Steps, 16, Steps, CPU, MaxPoolMode.Gate, bias, potential);
            snn.SetCorrections(corrections);
            return corrections;
        }
        Assert.All(Correct(bias: true, potential: false).Values, c => Assert.All(c.PotentialShift, p => Assert.Equal(0f, p)));
        var bias = LayerErrors(snn, ann, images);
        Assert.All(Correct(bias: false, potential: true).Values, c => Assert.All(c.CurrentShift, s => Assert.Equal(0f, s)));
        var potential = LayerErrors(snn, ann, images);
        Correct(bias: true, potential: true);
        var both = LayerErrors(snn, ann, images);
        output.WriteLine($"mean |channel error| per layer over T / 2T: none {Show(none)}; bias {Show(bias)}; potential {Show(potential)}; both {Show(both)}");
        for (int l = 0; l < none[0].Length; l++)
        {
            Assert.True(bias[1][l] < none[1][l], $"layer {l}: bias correction left the error over 2T at {bias[1][l]:G3} (from {none[1][l]:G3})");
            Assert.True(potential[0][l] < none[0][l], $"layer {l}: potential correction left the error over T at {potential[0][l]:G3} (from {none[0][l]:G3})");
            for (int h = 0; h < 2; h++)
                Assert.True(both[h][l] < none[h][l], $"layer {l}, horizon {h}: both corrections left the error at {both[h][l]:G3} (none {none[h][l]:G3})");
            // each term fixes the horizon the other one misses
            Assert.True(both[0][l] < bias[0][l], $"layer {l}: adding the potential term left the error over T at {both[0][l]:G3} (bias alone {bias[0][l]:G3})");
            Assert.True(both[1][l] < potential[1][l], $"layer {l}: adding the shift left the error over 2T at {both[1][l]:G3} (potential alone {potential[1][l]:G3})");
        }
    }

    [Fact]
    public void WorkersAndBatchSizeChangeNoBalancedThresholdOrCorrection()
    {
        var (ann, images) = Setup();
        using var _ = ann;
        using var snn = Compile(ann, SimulationEngine.Event);
        var spikes = new BalancingOptions(NormMode.Spike, CalibrationImages: 48, CalibrationSteps: Steps, Encoding: InputCoding.Poisson);
        Dictionary<string, float> Balanced(int batch, int workers) =>
            ThresholdBalancer.Balance(snn, ann, images, Norm, spikes with { BatchSize = batch, Workers = workers }, CPU, MaxPoolMode.Gate)
                .ToDictionary();
        var thresholds = Balanced(16, 1);
        foreach (var (batch, workers) in new[] { (7, 3), (48, 2) })   // LibTorch's matrix products round by batch size
            foreach (var (name, value) in Balanced(batch, workers)) Assert.Equal(thresholds[name], value, 5e-6 * thresholds[name]);

        snn.SetThresholds(thresholds);
        (float[], float[])[] Corrected(int batch, int workers)
        {
            snn.SetCorrections(new Dictionary<string, LayerCorrection>());
            return PostTrainingCalibration.Correct(snn, ann, images, Norm, Steps, batch, 3, CPU, MaxPoolMode.Gate, workers: workers)
                .OrderBy(c => c.Key).Select(c => (c.Value.CurrentShift, c.Value.PotentialShift)).ToArray();
        }
        var corrections = Corrected(16, 1);
        Assert.Contains(corrections, c => c.Item1.Any(v => v != 0) && c.Item2.Any(v => v != 0));
        foreach (var (batch, workers) in new[] { (7, 3), (48, 2) })
        {
            var other = Corrected(batch, workers);
            for (int l = 0; l < corrections.Length; l++)
            {
                output.WriteLine($"layer {l}: largest difference {corrections[l].Item1.Zip(other[l].Item1, (a, b) => Math.Abs(a - b)).Max():G3} (shift), " +
                    $"{corrections[l].Item2.Zip(other[l].Item2, (a, b) => Math.Abs(a - b)).Max():G3} (potential)");
                Assert.Equal(corrections[l].Item1, other[l].Item1, (a, b) => Math.Abs(a - b) <= 1e-5f * (1 + Math.Abs(a)));
                Assert.Equal(corrections[l].Item2, other[l].Item2, (a, b) => Math.Abs(a - b) <= 1e-5f * (1 + Math.Abs(a)));
            }
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
        Assert.False(Resolve("--recipe", "fast", "--corrections", "both").Corrects);
        var qcfs = Resolve("--recipe", "qcfs");                                 // the clips alone unless corrections are asked for
        Assert.Equal((NormMode.Qcfs, false, ""), (qcfs.Mode, qcfs.Corrects, qcfs.CorrectionKinds));
        var correctedQcfs = Resolve("--recipe", "qcfs", "--corrections", "both");
        Assert.Equal((true, "bias+potential", 16), (correctedQcfs.Corrects, correctedQcfs.CorrectionKinds, correctedQcfs.CalibrationSteps));
        Assert.True(Resolve().Corrects);
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
