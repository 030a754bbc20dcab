using System.CommandLine;
using RmpSnn.Experiments;

namespace RmpSnn.Cli.Commands;

/// <summary><c>rmpsnn merge DIR...</c>: the shards of one sharded simulation, added up into the outputs of one run.</summary>
public static class MergeCommand
{
    /// <summary>The command with its arguments and action.</summary>
    public static Command Create()
    {
        var command = new Command("merge", """
            Combine the shard-i-of-n.json files written by 'rmpsnn simulate --shard i/n' (from one folder or from several,
            e.g. one per machine) into results.json, accuracy.csv, layers.csv and accuracy_vs_T.png, the same numbers bit
            for bit as one run over all images: correct counts per step, spike counts and SOPs are sums. Refuses a missing
            or duplicate shard and shards of different runs (model, thresholds, images, steps, coding, seed, engine, …).

            Examples:
              rmpsnn merge runs/shards --out runs/merged
              rmpsnn merge node0/ node1/ node2/ --out runs/merged
            """);
        var inputs = new Argument<string[]>("SHARDS") { Description = "Shard files, or folders holding them", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Output folder", Required = true };
        command.Arguments.Add(inputs);
        command.Options.Add(output);
        CliRunner.SetAction(command, (parse, _) =>
        {
            var (results, annAccuracy, context) = SimulationShard.Merge(parse.GetValue(inputs)!);
            string title = $"{context.GetValueOrDefault("arch")}, {context["dataset"]} ({context["images"]} images, {context.GetValueOrDefault("encoding")}; " +
                $"{context["shards"]} shards)";
            SimulateCommand.Report(parse.GetValue(output)!, results, annAccuracy, title, context);
            return CliRunner.Ok;
        });
        return command;
    }
}
