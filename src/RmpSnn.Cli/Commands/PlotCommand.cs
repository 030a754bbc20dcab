using System.CommandLine;
using RmpSnn.Evaluation;
using RmpSnn.Experiments;
using Spectre.Console;

namespace RmpSnn.Cli.Commands;

/// <summary><c>rmpsnn plot FOLDER</c>: redraw the figures of a sweep or simulate folder, and/or the neuron transfer curve.</summary>
public static class PlotCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var command = new Command("plot", """
            Draw figures from a finished run, without simulating again. For a sweep folder (sweep.json): accuracy vs T
            (hard vs soft), accuracy vs T for each α, steps to ANN − 1 % against α, spike rates per layer and the neuron
            transfer curve. For a simulate folder (results.json): accuracy vs T and spike rates per layer.
            --transfer draws the IF neuron's transfer curve, simulated on constant input currents, hard vs soft reset.

            Examples:
              rmpsnn plot out/sweep/fmnist
              rmpsnn plot --transfer out/transfer.png --transfer-steps 8 32 128
            """);
        var folder = new Argument<string?>("FOLDER")
        {
            Description = "Folder holding sweep.json (rmpsnn sweep) or results.json (rmpsnn simulate)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var transfer = new Option<string?>("--transfer") { Description = "Also write the neuron transfer curve to this PNG" };
        var transferSteps = new Option<int[]>("--transfer-steps")
        {
            Description = "T values of the transfer curve",
            DefaultValueFactory = _ => TransferPlot.DefaultSteps,
            AllowMultipleArgumentsPerToken = true,
        };
        transferSteps.Validators.Add(r =>
        {
            foreach (int t in OptionValue.TryGet<int[]>(r, out var values) ? values ?? [] : [])
                if (t <= 0) r.AddError($"--transfer-steps {t}: expected a positive number of steps");
        });
        command.Arguments.Add(folder);
        command.Options.Add(transfer);
        command.Options.Add(transferSteps);

        CliRunner.SetAction(command, (parse, _) =>
        {
            string? dir = parse.GetValue(folder);
            string? transferPath = parse.GetValue(transfer);
            if (dir is null && transferPath is null)
                throw new RmpSnnException("plot: expected a FOLDER (sweep or simulate output) and/or --transfer OUT.png");
            if (dir is not null)
            {
                IReadOnlyList<string> figures;
                if (SweepFile.Load(dir) is { } sweep) figures = SweepFigures.Save(dir, sweep);
                else if (File.Exists(Path.Combine(dir, "results.json"))) figures = SimulationFigures.Save(Path.Combine(dir, "results.json"));
                else throw new RmpSnnException($"{dir}: holds neither {SweepFile.FileName} (rmpsnn sweep) nor results.json (rmpsnn simulate)");
                AnsiConsole.MarkupLine($"Wrote [green]{Markup.Escape(dir)}[/]: {Markup.Escape(string.Join(", ", figures))}");
            }
            if (transferPath is not null)
            {
                TransferPlot.Save(transferPath, parse.GetValue(transferSteps));
                AnsiConsole.MarkupLine($"Wrote [green]{Markup.Escape(transferPath)}[/]");
            }
            return CliRunner.Ok;
        });
        return command;
    }
}
