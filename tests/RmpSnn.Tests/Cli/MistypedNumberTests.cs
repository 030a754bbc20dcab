using RmpSnn.Cli;
using RmpSnn.Cli.Commands;

namespace RmpSnn.Tests.Cli;

/// <summary>A number that does not parse is a usage error (exit 2, one line naming the option), never an unhandled exception.</summary>
[Collection(SerialTorchRng.Name)]   // CliHarness redirects the process's standard error
public class MistypedNumberTests
{
    [Theory]
    [InlineData("simulate", "--steps", "1e9")]
    [InlineData("simulate", "--batch", "1.5")]
    [InlineData("simulate", "--limit", "x")]
    [InlineData("simulate", "--alpha", "abc")]
    [InlineData("simulate", "--max-memory", "x")]
    [InlineData("simulate", "--percentile", "nan")]
    [InlineData("convert", "--calib-images", "1.5")]
    [InlineData("sweep", "--alpha", "abc")]
    [InlineData("bench", "--batch", "x")]
    public void IsAUsageErrorNamingTheOption(string command, string option, string value)
    {
        var commands = new[] { SimulateCommand.Create(), ConvertCommand.Create(), SweepCommand.Create(), BenchCommand.Create() };
        string[] args = command == "bench" ? [command, option, value] : [command, "model-that-is-never-read.model", option, value];
        var (code, errors) = CliHarness.Run(commands, args);
        Assert.Equal(CliRunner.Usage, code);
        Assert.Contains(option, errors);
        Assert.DoesNotContain("Unhandled", errors);
        Assert.DoesNotContain("   at ", errors);
    }
}
