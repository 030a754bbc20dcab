using System.Text.Json;
using RmpSnn.Cli;
using RmpSnn.Cli.Commands;

namespace RmpSnn.Tests.Cli;

/// <summary><c>rmpsnn bench</c> on a tiny grid, and its bad-input errors.</summary>
[Collection(SerialTorchRng.Name)]   // redirects Console.Error; seeds torch's global generator
public sealed class BenchCommandTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("rmpsnn-bench-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static (int Code, string Errors) Run(params string[] args) => CliHarness.Run([BenchCommand.Create()], args);

    [Fact]
    public void TinyGridWritesOneRowPerBatchWithThroughputAndMemory()
    {
        var (code, errors) = Run("bench", "--arch", "resnet20", "--batch", "1", "2", "--steps", "2", "--out", _dir);
        Assert.True(code == CliRunner.Ok, errors);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "bench.json")));
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal([1, 2], rows.Select(r => r.GetProperty("batch").GetInt32()));
        Assert.All(rows, r =>
        {
            Assert.True(r.GetProperty("imageStepsPerSecond").GetDouble() > 0);
            Assert.True(r.GetProperty("plainGflopsPerSecond").GetDouble() > 0);
            Assert.True(r.GetProperty("peakMemoryBytes").GetInt64() > 0);
        });
    }

    [Fact]
    public void EventEngineRunsAndIsRecorded()
    {
        var (code, errors) = Run("bench", "--arch", "resnet20", "--batch", "2", "--steps", "3", "--engine", "event", "--out", _dir);
        Assert.True(code == CliRunner.Ok, errors);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "bench.json")));
        Assert.Equal("event", json.RootElement.GetProperty("engine").GetString());
        Assert.True(json.RootElement.GetProperty("rows")[0].GetProperty("sopsPerSecond").GetDouble() > 0);
    }

    [Fact]
    public void MemoryBudgetBelowOneImageIsAFailureNamingTheOption()
    {
        var (code, errors) = Run("bench", "--arch", "resnet20", "--batch", "1", "--steps", "2", "--max-memory", "0.01", "--out", _dir);
        Assert.Equal(CliRunner.Failure, code);
        Assert.Contains("--max-memory 0.01: even batch 1 with chunk 1", errors);
    }

    [Theory]
    [InlineData("--batch", "0")]
    [InlineData("--steps", "-1")]
    [InlineData("--chunk", "-2")]
    [InlineData("--max-memory", "0")]
    [InlineData("--engine", "gpu")]
    public void BadGridIsAUsageError(string option, string value)
    {
        var (code, errors) = Run("bench", option, value, "--out", _dir);
        Assert.Equal(CliRunner.Usage, code);
        Assert.Contains(option, errors);
    }
}
