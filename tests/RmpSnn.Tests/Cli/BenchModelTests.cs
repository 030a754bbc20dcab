using System.Text.Json;
using RmpSnn.Cli;
using RmpSnn.Cli.Commands;
using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Tests.Data;
using RmpSnn.Tests.Import;

namespace RmpSnn.Tests.Cli;

/// <summary>
/// <c>rmpsnn bench MODEL --reference</c>: the PyTorch reference runs the safetensors export of the same converted network
/// on the same images, and the run holds the two to the same accuracy curve and spike counts.
/// </summary>
[Collection(SerialTorchRng.Name)]   // redirects Console.Error
public sealed class BenchModelTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("rmpsnn-benchmodel-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Model()
    {
        string model = Path.Combine(_dir, "tiny.model");
        using var network = ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10), seed: 4);
        ModelFile.Save(model, network, new ModelInfo(network.Spec, DatasetCatalog.DefaultNormalization("fashion-mnist-sample"), "fashion-mnist-sample"));
        return model;
    }

    static (int Code, string Errors) Run(params string[] args) => CliHarness.Run([ConvertCommand.Create(), BenchCommand.Create()], args);

    [Theory]
    [InlineData("act-max", "soft")]
    [InlineData("act-max", "hard")]
    [InlineData("calibrated", "soft")]   // bias and potential corrections travel through the export
    public void TheReferenceRunsTheExportedNetworkToTheSameCurveAndSpikes(string norm, string reset)
    {
        string model = Model(), converted = Path.Combine(_dir, $"{norm}.json"), output = Path.Combine(_dir, $"bench-{norm}-{reset}");
        var (code, errors) = Run("convert", model, "--norm", norm, "--calib-images", "32", "--calib-steps", "8", "--reset", reset, "--out", converted);
        Assert.True(code == CliRunner.Ok, errors);
        (code, errors) = Run("bench", model, "--converted", converted, "--encoding", "direct", "--reset", reset, "--limit", "24", "--steps", "12",
            "--batch", "8", "--reference", "--python", PythonTorch.Python(),
            "--reference-script", Path.Combine(TestData.RepoRoot, "bench", "reference", "snn_file.py"), "--out", output);
        Assert.True(code == CliRunner.Ok, errors);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "bench.json")));
        var row = json.RootElement.GetProperty("rows")[0];
        var pytorch = row.GetProperty("pyTorch");
        Assert.Equal(row.GetProperty("correctPerStep").EnumerateArray().Select(v => v.GetInt64()),
            pytorch.GetProperty("correctPerStep").EnumerateArray().Select(v => v.GetInt64()));
        var ours = row.GetProperty("spikeRatePerLayer").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        var theirs = pytorch.GetProperty("spikeRatePerLayer").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(ours.Keys.Order(), theirs.Keys.Order());
        Assert.All(ours, p => Assert.True(Math.Abs(p.Value - theirs[p.Key]) <= 1e-3 * p.Value + 1e-9,
            $"{p.Key}: spike rate {p.Value} here, {theirs[p.Key]} in PyTorch"));
        Assert.True(ours.Values.Sum() > 0, "no spikes: the comparison would be empty");
        Assert.True(row.GetProperty("cpuRatioToPyTorch").GetDouble() > 0);
    }

    [Fact]
    public void PoissonInputWithTheReferenceIsRefusedNamingTheFix()
    {
        string model = Model(), converted = Path.Combine(_dir, "p.json");
        Assert.Equal(CliRunner.Ok, Run("convert", model, "--norm", "act-max", "--calib-images", "16", "--out", converted).Code);
        var (code, errors) = Run("bench", model, "--converted", converted, "--limit", "8", "--steps", "2", "--reference", "--out", Path.Combine(_dir, "b"));
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("pass --encoding direct", errors);
    }

    [Fact]
    public void ArchWithAModelIsRefused()
    {
        var (code, errors) = Run("bench", Model(), "--arch", "vgg16", "--out", Path.Combine(_dir, "b"));
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("--arch", errors);
    }
}
