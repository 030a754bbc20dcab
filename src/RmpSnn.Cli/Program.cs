using System.CommandLine;
using RmpSnn.Cli;
using RmpSnn.Cli.Commands;

RmpSnn.TorchRuntime.Configure();
// Piped to a file, Spectre.Console would squeeze tables into 80 columns; a log file has no width limit.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 240;
var root = new RootCommand("""
    RmpSnn: convert trained ReLU networks into spiking networks with residual-membrane-potential (soft-reset) neurons,
    and measure accuracy at every time-step, spike activity and synaptic operations.

    Typical flow:  rmpsnn train (or import a checkpoint or ONNX file) → rmpsnn convert → rmpsnn simulate     (or: rmpsnn demo)
    Experiment grid: rmpsnn sweep MODEL → rmpsnn plot FOLDER
    To other simulators and hardware: rmpsnn export MODEL --out FILE.nir
    """);
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(ImportCommand.Create());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(ConvertCommand.Create());
root.Subcommands.Add(SimulateCommand.Create());
root.Subcommands.Add(MergeCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(SweepCommand.Create());
root.Subcommands.Add(PlotCommand.Create());
return CliRunner.Invoke(root, args);
