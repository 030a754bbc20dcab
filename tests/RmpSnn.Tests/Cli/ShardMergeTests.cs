using System.Text.Json;
using RmpSnn.Cli;
using RmpSnn.Cli.Commands;
using RmpSnn.Data;
using RmpSnn.Models;

namespace RmpSnn.Tests.Cli;

/// <summary>
/// <c>simulate --shard i/n</c> + <c>merge</c> give one run's numbers bit for bit (Poisson input, uneven shards, other batch
/// sizes), and a missing, duplicate or foreign shard is refused with one line naming it.
/// </summary>
[Collection(SerialTorchRng.Name)]   // redirects Console.Error
public sealed class ShardMergeTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("rmpsnn-shard-").FullName;
    readonly string _model;

    public ShardMergeTests()
    {
        _model = Path.Combine(_dir, "tiny.model");
        using var network = ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10), seed: 3);
        ModelFile.Save(_model, network,
            new ModelInfo(network.Spec, DatasetCatalog.DefaultNormalization("fashion-mnist-sample"), "fashion-mnist-sample"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static (int Code, string Errors) Run(params string[] args) =>
        CliHarness.Run([ConvertCommand.Create(), SimulateCommand.Create(), SweepCommand.Create(), MergeCommand.Create()], args);

    string Folder(string name) => Path.Combine(_dir, name);

    void Simulate(string folder, string? shard, int batch, int steps = 12)
    {
        string[] args = ["simulate", _model, "--steps", $"{steps}", "--limit", "40", "--alpha", "1", "0.5", "--batch", $"{batch}", "--out", folder];
        var (code, errors) = Run(shard is null ? args : [.. args, "--shard", shard]);
        Assert.True(code == CliRunner.Ok, errors);
    }

    static string[] Numbers(string folder)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results.json")));
        return
        [
            File.ReadAllText(Path.Combine(folder, "accuracy.csv")),
            File.ReadAllText(Path.Combine(folder, "layers.csv")),
            json.RootElement.GetProperty("annAccuracy").GetRawText(),
            .. json.RootElement.GetProperty("configurations").EnumerateArray().Select(c => string.Join("|",
                c.EnumerateObject().Where(p => p.Name is not ("batchSize" or "chunkSteps" or "engine")).Select(p => p.Name + "=" + p.Value.GetRawText()))),
        ];
    }

    [Fact]
    public void ShardsMergeIntoTheWholeRunBitForBit()
    {
        Assert.Equal(CliRunner.Ok, Run("convert", _model, "--norm", "act-max", "--calib-images", "20").Code);
        Simulate(Folder("whole"), null, batch: 16);
        foreach (int n in new[] { 1, 3 })
        {
            for (int i = 0; i < n; i++) Simulate(Folder($"parts{n}"), $"{i}/{n}", batch: 5 + i);   // 40 images: 13 + 13 + 14
            var (code, errors) = Run("merge", Folder($"parts{n}"), "--out", Folder($"merged{n}"));
            Assert.True(code == CliRunner.Ok, errors);
            Assert.Equal(Numbers(Folder("whole")), Numbers(Folder($"merged{n}")));
            Assert.True(new FileInfo(Path.Combine(Folder($"merged{n}"), "accuracy_vs_T.png")).Length > 0);
        }
        Assert.Equal([13, 13, 14], Enumerable.Range(0, 3).Select(i => new Shard(i, 3).Range(40).Length));
    }

    [Fact]
    public void MissingDuplicateAndForeignShardsAreRefused()
    {
        Assert.Equal(CliRunner.Ok, Run("convert", _model, "--norm", "act-max", "--calib-images", "20").Code);
        Simulate(Folder("a"), "0/2", batch: 8);
        var (code, errors) = Run("merge", Folder("a"), "--out", Folder("m"));
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("missing shard(s) 1/2", errors);

        Directory.CreateDirectory(Folder("copy"));
        File.Copy(Path.Combine(Folder("a"), "shard-0-of-2.json"), Path.Combine(Folder("copy"), "shard-0-of-2.json"));
        (code, errors) = Run("merge", Folder("a"), Folder("copy"), "--out", Folder("m"));
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("shard 0/2 given twice", errors);

        Simulate(Folder("b"), "1/2", batch: 8, steps: 10);
        (code, errors) = Run("merge", Folder("a"), Folder("b"), "--out", Folder("m"));
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("another run than", errors);
        Assert.Contains("steps = 10, not 12", errors);
        Assert.Single(errors.Trim().Split('\n'));
        Assert.False(Directory.Exists(Folder("m")));

        (code, errors) = Run("simulate", _model, "--shard", "2/2");
        Assert.Equal(CliRunner.Usage, code);
        Assert.Contains("--shard 2/2: expected i/n with 0 <= i < n", errors);
        (code, errors) = Run("simulate", _model, "--steps", "12", "--limit", "40", "--shard", "0/2", "--out", Folder("a"));
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("exists; pass --force", errors);
    }

    [Fact]
    public void SweepShardsMergeIntoTheWholeSweep()
    {
        string[] sweep = ["sweep", _model, "--norm", "act-max", "--encoding", "poisson", "direct", "--alpha", "1", "0.5", "--steps", "8",
            "--limit", "30", "--calib-images", "20"];
        Assert.Equal(CliRunner.Ok, Run([.. sweep, "--out", Folder("whole")]).Code);
        for (int i = 0; i < 3; i++) Assert.Equal(CliRunner.Ok, Run([.. sweep, "--shard", $"{i}/3", "--batch", "4", "--out", Folder($"s{i}")]).Code);
        var (code, errors) = Run("merge", Folder("s0"), Folder("s2"), "--out", Folder("m"));
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("missing shard(s) 1/3", errors);
        (code, errors) = Run("merge", Folder("s0"), Folder("s1"), Folder("s2"), "--out", Folder("m"));
        Assert.True(code == CliRunner.Ok, errors);
        foreach (var file in new[] { RmpSnn.Experiments.Sweep.CsvFile, RmpSnn.Experiments.Sweep.SummaryFile })
            Assert.Equal(File.ReadAllText(Path.Combine(Folder("whole"), file)), File.ReadAllText(Path.Combine(Folder("m"), file)));
        // the merged folder is a finished sweep of the whole selection: sweeping it again simulates nothing
        (code, errors) = Run([.. sweep, "--out", Folder("m")]);
        Assert.True(code == CliRunner.Ok, errors);
    }
}
