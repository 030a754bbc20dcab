using System.CommandLine;
using RmpSnn.Experiments;
using Spectre.Console;

namespace RmpSnn.Cli.Commands;

/// <summary><c>rmpsnn merge DIR...</c>: the shards of one sharded simulation, added up into the outputs of one run.</summary>
public static class MergeCommand
{
    /// <summary>The command with its arguments and action.</summary>
    public static Command Create()
    {
        var command = new Command("merge", """
            Combine the shards of a sharded run into the outputs of one run over all images, the same numbers bit for bit:
            correct counts per step, spike counts and SOPs are sums (input spikes are seeded per image).
            - simulate: the shard-i-of-n.json files of 'rmpsnn simulate --shard i/n' (in one folder or several, e.g. one
              per machine) become results.json, accuracy.csv, layers.csv and accuracy_vs_T.png;
            - sweep: the folders of 'rmpsnn sweep --shard i/n' (each holding sweep.json) become one sweep folder with its
              CSVs and figures.
            Refuses a missing or duplicate shard, an unfinished sweep shard, and shards of different runs (model,
            thresholds, images, steps, coding, seed, engine, …), naming the files.

            Examples:
              rmpsnn merge runs/shards --out runs/merged
              rmpsnn merge node0/ node1/ node2/ --out runs/merged
              rmpsnn merge out/sw-0 out/sw-1 out/sw-2 out/sw-3 --out out/sw
            """);
        var inputs = new Argument<string[]>("SHARDS") { Description = "Shard files, or folders holding them", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Output folder", Required = true };
        command.Arguments.Add(inputs);
        command.Options.Add(output);
        CliRunner.SetAction(command, (parse, _) =>
        {
            string[] paths = parse.GetValue(inputs)!;
            string folder = parse.GetValue(output)!;
            if (paths.Any(p => File.Exists(Path.Combine(p, SweepFile.FileName))))
            {
                var file = SweepMerge.Merge(paths, folder);
                SweepTable.Show(file);
                var figures = SweepFigures.Save(folder, file);
                AnsiConsole.MarkupLine($"Wrote [green]{Markup.Escape(folder)}[/]: {SweepFile.FileName}, {Sweep.CsvFile}, {Sweep.SummaryFile} " +
                    $"and {figures.Count} figures ({paths.Length} shards)");
                return CliRunner.Ok;
            }
            var (results, annAccuracy, context) = SimulationShard.Merge(paths);
            string title = $"{context.GetValueOrDefault("arch")}, {context["dataset"]} ({context["images"]} images, {context.GetValueOrDefault("encoding")}; " +
                $"{context["shards"]} shards)";
            SimulateCommand.Report(folder, results, annAccuracy, title, context);
            return CliRunner.Ok;
        });
        return command;
    }
}
