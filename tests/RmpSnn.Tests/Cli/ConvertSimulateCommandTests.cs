using RmpSnn.Cli;
using RmpSnn.Cli.Commands;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Snn;

namespace RmpSnn.Tests.Cli;

/// <summary>The convert → simulate path through the CLI on the shipped sample, and its bad-input errors.</summary>
[Collection(SerialTorchRng.Name)]   // redirects Console.Error
public sealed class ConvertSimulateCommandTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("rmpsnn-cli-").FullName;
    readonly string _model;

    public ConvertSimulateCommandTests()
    {
        _model = Path.Combine(_dir, "tiny.model");
        using var network = ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10), seed: 1);
        ModelFile.Save(_model, network,
            new ModelInfo(network.Spec, DatasetCatalog.DefaultNormalization("fashion-mnist-sample"), "fashion-mnist-sample"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static (int Code, string Errors) Run(params string[] args) =>
        CliHarness.Run([ConvertCommand.Create(), SimulateCommand.Create(), ExportCommand.Create()], args);

    [Fact]
    public void PoissonInputGoesToNirOnlyWhenAskedForAndNothingIsOverwritten()
    {
        Assert.Equal(CliRunner.Ok, Run("convert", _model, "--norm", "act-max", "--calib-images", "20").Code);
        string converted = File.ReadAllText(_model + ".snn.json");
        var (again, refusal) = Run("convert", _model, "--norm", "spike", "--calib-images", "20");
        Assert.Equal((CliRunner.Failure, true), (again, refusal.Contains(".snn.json: exists; pass --force to replace it")));
        Assert.Equal(converted, File.ReadAllText(_model + ".snn.json"));
        Assert.Equal(CliRunner.Ok, Run("convert", _model, "--norm", "act-max", "--calib-images", "20", "--force").Code);
        string nir = Path.Combine(_dir, "tiny.nir");
        var (code, errors) = Run("export", _model, "--out", nir);
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("converted for Poisson input, which has no NIR node; pass --encoding direct", errors);
        Assert.Single(errors.Trim().Split('\n'));
        Assert.False(File.Exists(nir));

        Assert.Equal(CliRunner.Ok, Run("export", _model, "--encoding", "poisson", "--out", nir).Code);
        long written = new FileInfo(nir).Length;
        (code, errors) = Run("export", _model, "--encoding", "direct", "--out", nir);
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("exists; pass --force", errors);
        Assert.Equal(written, new FileInfo(nir).Length);
        Assert.Equal(CliRunner.Ok, Run("export", _model, "--encoding", "direct", "--out", nir, "--force").Code);
        // safetensors is for PyTorch code, which draws its own spikes: no --encoding needed
        Assert.Equal(CliRunner.Ok, Run("export", _model, "--format", "safetensors", "--out", Path.Combine(_dir, "tiny.safetensors")).Code);
    }

    [Fact]
    public void ConvertThenSimulateWritesTablesJsonCsvAndFigure()
    {
        string converted = Path.Combine(_dir, "tiny.snn.json");
        Assert.Equal(CliRunner.Ok, Run("convert", _model, "--norm", "act-pct", "--calib-images", "20", "--out", converted).Code);
        var thresholds = BalancedThresholds.Load(converted).Thresholds;
        Assert.Equal(2, thresholds.Count);                                     // soft and hard by default
        string output = Path.Combine(_dir, "sim");
        var (code, errors) = Run("simulate", _model, "--converted", converted, "--limit", "20", "--steps", "8", "--alpha", "1", "0.5",
            "--out", output);
        Assert.True(code == CliRunner.Ok, errors);
        foreach (var file in new[] { "results.json", "accuracy.csv", "layers.csv", "accuracy_vs_T.png" })
            Assert.True(new FileInfo(Path.Combine(output, file)).Length > 0, file);
        var curve = File.ReadAllLines(Path.Combine(output, "accuracy.csv"));
        Assert.Equal(1 + 4 * 8, curve.Length);                                 // header + 4 configurations × 8 steps
        Assert.Equal("config,t,accuracy", curve[0]);
        using var results = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        Assert.True(results.RootElement.GetProperty("peakMemoryBytes").GetInt64() > 0);
        Assert.Equal("if", results.RootElement.GetProperty("neuron").GetString());

        string signed = Path.Combine(_dir, "signed");
        (code, errors) = Run("simulate", _model, "--converted", converted, "--limit", "20", "--steps", "8", "--neuron", "signed", "--out", signed);
        Assert.True(code == CliRunner.Ok, errors);
        using var signedResults = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(signed, "results.json")));
        Assert.Equal("signed", signedResults.RootElement.GetProperty("neuron").GetString());

        // calibrated for signed neurons: the converted model records it and simulate runs them unless told otherwise
        string signedConverted = Path.Combine(_dir, "signed.snn.json");
        Assert.Equal(CliRunner.Ok, Run("convert", _model, "--norm", "calibrated", "--calib-images", "20", "--calib-steps", "4",
            "--neuron", "signed", "--out", signedConverted).Code);
        Assert.True(BalancedThresholds.Load(signedConverted).Signed);
        foreach (var (asked, expected) in new[] { (null, "signed"), ("if", "if") })
        {
            string folder = Path.Combine(_dir, $"calibrated-{expected}");
            (code, errors) = Run(["simulate", _model, "--converted", signedConverted, "--limit", "20", "--steps", "4", "--out", folder,
                .. asked is null ? Array.Empty<string>() : ["--neuron", asked]]);
            Assert.True(code == CliRunner.Ok, errors);
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results.json")));
            Assert.Equal(expected, json.RootElement.GetProperty("neuron").GetString());
        }
    }

    [Fact]
    public void BurstNeuronsTakeTheClipOverGammaAndAreRecordedInTheConvertedModel()
    {
        string plain = Path.Combine(_dir, "plain.snn.json"), burst = Path.Combine(_dir, "burst.snn.json");
        Assert.Equal(CliRunner.Ok, Run("convert", _model, "--norm", "act-max", "--calib-images", "20", "--reset", "soft", "--out", plain).Code);
        var (code, errors) = Run("convert", _model, "--norm", "act-max", "--calib-images", "20", "--reset", "soft", "--neuron", "burst",
            "--max-burst", "3", "--out", burst);
        Assert.True(code == CliRunner.Ok, errors);
        var (ifModel, burstModel) = (BalancedThresholds.Load(plain), BalancedThresholds.Load(burst));
        Assert.Equal(3, burstModel.MaxBurst);
        Assert.Equal(1, ifModel.MaxBurst);
        foreach (var (layer, clip) in ifModel.Thresholds[ResetMode.Soft])
            Assert.Equal(clip / 3, burstModel.Thresholds[ResetMode.Soft][layer]);
        foreach (var (asked, expected) in new[] { (null, "burst-3"), ("if", "if") })
        {
            string folder = Path.Combine(_dir, $"burst-{expected}");
            (code, errors) = Run(["simulate", _model, "--converted", burst, "--limit", "20", "--steps", "4", "--reset", "soft", "--out", folder,
                .. asked is null ? Array.Empty<string>() : ["--neuron", asked]]);
            Assert.True(code == CliRunner.Ok, errors);
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results.json")));
            Assert.Equal(expected, json.RootElement.GetProperty("neuron").GetString());
        }

        (code, errors) = Run("simulate", _model, "--converted", burst, "--limit", "20", "--steps", "4", "--reset", "soft", "--max-burst", "3",
            "--out", Path.Combine(_dir, "refused"));
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("--max-burst 3: applies to burst neurons; add --neuron burst", errors);
        Assert.Single(errors.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--max-burst", "1")]
    [InlineData("--norm", "bogus")]
    [InlineData("--alpha", "1.5")]
    [InlineData("--alpha", "0")]
    [InlineData("--steps", "0")]
    [InlineData("--steps", "-4")]
    [InlineData("--encoding", "rank")]
    [InlineData("--engine", "sparse")]
    [InlineData("--neuron", "lif")]
    [InlineData("--balance-reset", "both")]
    public void InvalidOptionsAreUsageErrorsNamingTheOption(string option, string value)
    {
        var (code, errors) = Run("simulate", _model, option, value);
        Assert.Equal(CliRunner.Usage, code);
        Assert.Contains(option.TrimStart('-'), errors);
        Assert.DoesNotContain("   at ", errors);                               // no stack trace
    }

    [Fact]
    public void AFileThatIsNotAModelGivesOneLine()
    {
        string bogus = Path.Combine(_dir, "bogus.model");
        File.WriteAllText(bogus, "not a model");
        var (code, errors) = Run("simulate", bogus, "--steps", "4");
        Assert.Equal(CliRunner.Failure, code);
        Assert.Single(errors.Trim().Split('\n'));
        Assert.Contains(bogus, errors);
    }

    [Fact]
    public void ThresholdsThatDoNotMatchTheNetworkAreRejected()
    {
        string converted = Path.Combine(_dir, "tiny.snn.json");
        Assert.Equal(CliRunner.Ok, Run("convert", _model, "--norm", "act-max", "--calib-images", "10", "--reset", "soft", "--out", converted).Code);
        var good = BalancedThresholds.Load(converted);
        (good with
        {
            Thresholds = good.Thresholds.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, float>)p.Value.Skip(1).ToDictionary()),
        }).Save(converted);
        var (code, errors) = Run("simulate", _model, "--converted", converted, "--reset", "soft", "--limit", "5", "--steps", "4",
            "--out", Path.Combine(_dir, "x"));
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("missing 1 (layers.1)", errors);
        Assert.Contains(converted, errors);
    }

    [Fact]
    public void SpikeBalancingPerResetModeOrSharedFromOne()
    {
        string each = Path.Combine(_dir, "each.snn.json"), shared = Path.Combine(_dir, "shared.snn.json");
        string[] spike = ["--norm", "spike", "--calib-images", "10", "--calib-steps", "32"];
        Assert.Equal(CliRunner.Ok, Run(["convert", _model, .. spike, "--out", each]).Code);
        Assert.Equal(CliRunner.Ok, Run(["convert", _model, .. spike, "--balance-reset", "soft", "--out", shared]).Code);
        var separate = BalancedThresholds.Load(each);
        var common = BalancedThresholds.Load(shared);
        Assert.Null(separate.ThresholdsSharedFrom);
        Assert.NotEqual(separate.Thresholds[ResetMode.Soft], separate.Thresholds[ResetMode.Hard]);   // balanced in two different SNNs
        Assert.Equal(ResetMode.Soft, common.ThresholdsSharedFrom);
        Assert.Equal(separate.Thresholds[ResetMode.Soft], common.Thresholds[ResetMode.Soft]);        // same calibration spikes, same soft SNN
        Assert.Equal(common.Thresholds[ResetMode.Soft], common.Thresholds[ResetMode.Hard]);
    }

    [Fact]
    public void MissingHardResetThresholdsAreNamed()
    {
        string converted = Path.Combine(_dir, "soft-only.snn.json");
        Assert.Equal(CliRunner.Ok, Run("convert", _model, "--norm", "act-max", "--calib-images", "10", "--reset", "soft", "--out", converted).Code);
        var (code, errors) = Run("simulate", _model, "--converted", converted, "--reset", "hard", "--limit", "5", "--steps", "4",
            "--out", Path.Combine(_dir, "y"));
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("no thresholds for hard reset", errors);
    }

    [Fact]
    public void QcfsModelsConvertWithTheirClipsAndSimulateWithDirectInputFromHalfThreshold()
    {
        string model = Path.Combine(_dir, "qcfs.model");
        using (var network = ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10, Activation: "qcfs", QuantLevels: 4), seed: 1))
            ModelFile.Save(model, network,
                new ModelInfo(network.Spec, DatasetCatalog.DefaultNormalization("fashion-mnist-sample"), "fashion-mnist-sample"));
        string converted = Path.Combine(_dir, "qcfs.snn.json");
        Assert.Equal(CliRunner.Ok, Run("convert", model, "--out", converted).Code);
        var snn = BalancedThresholds.Load(converted);
        Assert.Equal(NormMode.Qcfs, snn.Norm);
        Assert.Equal([ResetMode.Soft], snn.Thresholds.Keys);
        Assert.All(snn.Thresholds[ResetMode.Soft].Values, v => Assert.Equal(8f, v));   // the initial clip λ = 8
        Assert.Equal((InputCoding.Direct, 0.5f), (snn.SimulationEncoding, snn.InitialPotential));
        string output = Path.Combine(_dir, "qcfs-sim");
        var (code, errors) = Run("simulate", model, "--converted", converted, "--limit", "5", "--steps", "4", "--out", output);
        Assert.True(code == CliRunner.Ok, errors);
        string results = File.ReadAllText(Path.Combine(output, "results.json"));
        Assert.Contains("\"initialPotential\": 0.5", results);
        Assert.Contains("\"encoding\": \"Direct\"", results);

        (code, errors) = Run("convert", _model, "--norm", "qcfs", "--out", Path.Combine(_dir, "relu.snn.json"));
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("--norm qcfs", errors);
    }
}
