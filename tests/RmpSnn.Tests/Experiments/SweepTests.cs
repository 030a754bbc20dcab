using RmpSnn.Cli;
using RmpSnn.Cli.Commands;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Experiments;
using RmpSnn.Models;
using RmpSnn.Snn;
using RmpSnn.Tests.Cli;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Experiments;

/// <summary>
/// A random smallcnn and 16 images of the shipped sample, with one uninterrupted sweep (4 cells × (2 resets × 2 α) × 6 steps)
/// that the tests copy or compare against.
/// </summary>
public sealed class SweepFixture : IDisposable
{
    public const int Images = 16, Steps = 6;
    public string Dir { get; } = Directory.CreateTempSubdirectory("rmpsnn-sweep-").FullName;
    public string Model { get; }
    public Network Ann { get; }
    public ModelInfo Info { get; }
    public ImageDataset TestImages { get; }
    public string Whole => Path.Combine(Dir, "whole");
    public (SweepFile File, int CellsRun) First { get; }

    public SweepFixture()
    {
        Model = Path.Combine(Dir, "tiny.model");
        using (var network = ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10), seed: 3))
            ModelFile.Save(Model, network,
                new ModelInfo(network.Spec, DatasetCatalog.DefaultNormalization("fashion-mnist-sample"), "fashion-mnist-sample"));
        (Ann, Info) = ModelFile.Load(Model, CPU);
        TestImages = new DatasetSelection("fashion-mnist-sample", null, "test", Limit: Images).Load();
        First = Run(Whole);
    }

    public SweepSettings Settings() => new(BalancedThresholds.Sha256(Model), "fashion-mnist-sample", "test", 0, Images, Steps,
        [NormMode.Spike, NormMode.ActPct], [InputCoding.Poisson, InputCoding.Direct], [ResetMode.Soft, ResetMode.Hard], [1.0, 0.5],
        99.9, 8, 8, ReadoutMode.Potential, 8, 0, 0f, 0f);

    public (SweepFile File, int CellsRun) Run(string folder, SweepSettings? settings = null, IProgress<SweepProgress>? progress = null,
        CancellationToken cancel = default) =>
        Sweep.Run(folder, Model, Ann, Info, TestImages, new DatasetSelection("fashion-mnist-sample", null, "train"), settings ?? Settings(),
            new ExecutionOptions(ChunkSteps: 2), CPU, progress, cancel);

    /// <summary>A copy of the finished sweep folder.</summary>
    public string CopyOfWhole()
    {
        string copy = Path.Combine(Dir, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(Whole)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    public void Dispose()
    {
        Ann.Dispose();
        Directory.Delete(Dir, recursive: true);
    }
}

[Collection(SerialTorchRng.Name)]   // seeded model init; the CLI test redirects Console.Error
public sealed class SweepTests(SweepFixture fixture) : IClassFixture<SweepFixture>
{
    const int Steps = SweepFixture.Steps;

    [Fact]
    public void WritesOneCsvRowPerConfigurationAndStepAndASummaryRowPerConfiguration()
    {
        string folder = fixture.Whole;
        var (file, cellsRun) = fixture.First;
        Assert.Equal(4, cellsRun);
        Assert.True(file.Finished);
        var csv = File.ReadAllLines(Path.Combine(folder, Sweep.CsvFile));
        Assert.Equal("norm,encoding,reset,alpha,t,accuracy,ann_accuracy,sops_per_image,energy_pj", csv[0]);
        Assert.Equal(1 + 4 * 4 * Steps, csv.Length);
        Assert.StartsWith("spike,poisson,soft,1,1,", csv[1]);
        Assert.StartsWith("act-pct,direct,hard,0.5,6,", csv[^1]);
        Assert.Equal(1 + 4 * 4, File.ReadAllLines(Path.Combine(folder, Sweep.SummaryFile)).Length);
        foreach (var converted in new[] { "converted-spike-poisson.json", "converted-spike-direct.json", "converted-act-pct.json" })
            Assert.True(File.Exists(Path.Combine(folder, converted)), converted);
        var loaded = SweepFile.Load(folder)!;
        Assert.Equal(file.AnnAccuracy, loaded.AnnAccuracy);
        Assert.Equal(file.Cells.Select(c => c.Name), loaded.Cells.Select(c => c.Name));
        Assert.Contains("accuracy-spike-poisson.png", SweepFigures.Save(folder, loaded));
    }

    [Fact]
    public void ReRunningAFinishedSweepSimulatesNothingAndLeavesTheFilesAlone()
    {
        string folder = fixture.CopyOfWhole();
        var before = Directory.GetFiles(folder).ToDictionary(f => f, f => (File.ReadAllBytes(f), File.GetLastWriteTimeUtc(f)));
        int reports = 0;
        var (file, cellsRun) = fixture.Run(folder, progress: new Reporter<SweepProgress>(_ => reports++));
        Assert.Equal(0, cellsRun);
        Assert.Equal(0, reports);
        Assert.True(file.Finished);
        foreach (var (path, (bytes, time)) in before)
        {
            Assert.Equal(bytes, File.ReadAllBytes(path));
            Assert.Equal(time, File.GetLastWriteTimeUtc(path));
        }
    }

    [Fact]
    public void ASweepCancelledAfterTheFirstCellResumesAndEndsWithTheSameCsvAsAnUninterruptedOne()
    {
        string whole = fixture.Whole, resumed = Path.Combine(fixture.Dir, "resumed");
        using var cancel = new CancellationTokenSource();
        var stopAfterFirstCell = new Reporter<SweepProgress>(p => { if (p.CellsDone == 1) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => fixture.Run(resumed, progress: stopAfterFirstCell, cancel: cancel.Token));
        var partial = SweepFile.Load(resumed)!;
        Assert.Single(partial.Cells);
        Assert.False(partial.Finished);
        Assert.Equal(1 + 4 * Steps, File.ReadAllLines(Path.Combine(resumed, Sweep.CsvFile)).Length);

        var (_, cellsRun) = fixture.Run(resumed);
        Assert.Equal(3, cellsRun);
        foreach (var name in new[] { Sweep.CsvFile, Sweep.SummaryFile })
            Assert.Equal(File.ReadAllText(Path.Combine(whole, name)), File.ReadAllText(Path.Combine(resumed, name)));
    }

    [Fact]
    public void AFolderHoldingASweepOfOtherSettingsIsRefusedWithOneLine()
    {
        string folder = fixture.CopyOfWhole();
        var e = Assert.Throws<RmpSnnException>(() => fixture.Run(folder, fixture.Settings() with { Steps = 4 }));
        Assert.Contains("steps = 6, not 4", e.Message);
        Assert.Contains(Path.Combine(folder, SweepFile.FileName), e.Message);

        var (code, errors) = CliHarness.Run([SweepCommand.Create()], "sweep", fixture.Model, "--limit", $"{SweepFixture.Images}", "--steps", "5",
            "--norm", "spike", "act-pct", "--alpha", "1", "0.5", "--batch", "8", "--out", folder);
        Assert.Equal(CliRunner.Failure, code);
        Assert.Single(errors.Trim().Split('\n'));
        Assert.Contains("not 5", errors);
    }
}
