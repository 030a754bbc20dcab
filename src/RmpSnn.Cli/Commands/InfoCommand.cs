using System.CommandLine;
using RmpSnn.Models;
using Spectre.Console;

namespace RmpSnn.Cli.Commands;

/// <summary><c>rmpsnn info MODEL</c>: what a model file holds (header only; weights are not loaded).</summary>
public static class InfoCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var command = new Command("info", """
            Show a model file's architecture, options, normalisation, dataset and recorded accuracy.

            Example:
              rmpsnn info out/fmnist.model
            """);
        var model = ModelArgument.Create();
        command.Arguments.Add(model);
        CliRunner.SetAction(command, (parse, _) =>
        {
            string path = parse.GetValue(model)!;
            var info = ModelFile.ReadInfo(path);
            var table = new Table().AddColumns("field", "value");
            table.AddRow("file", Markup.Escape(path));
            table.AddRow("architecture", info.Spec.Arch);
            table.AddRow("input", $"{info.Spec.InChannels}×{info.Spec.ImageSize}×{info.Spec.ImageSize}");
            table.AddRow("classes", $"{info.Spec.Classes}");
            if (info.Graph is { } graph)
                table.AddRow("graph", Markup.Escape($"{graph.Nodes.Count} nodes: " +
                    string.Join(", ", graph.Nodes.Where(n => n.Op != "Input").GroupBy(n => n.Op).Select(g => $"{g.Key} ×{g.Count()}"))));
            table.AddRow("options", Markup.Escape($"batchnorm={info.Spec.BatchNorm} bias={info.Spec.Bias} maxpool={info.Spec.MaxPool} " +
                $"dropout={info.Spec.Dropout} shortcut={info.Spec.Shortcut ?? "default"}"));
            table.AddRow("normalisation", Markup.Escape($"mean [{string.Join(", ", info.Normalization.Mean.Select(v => v.ToString("F4")))}] " +
                $"std [{string.Join(", ", info.Normalization.Std.Select(v => v.ToString("F4")))}]"));
            table.AddRow("dataset", info.Dataset);
            table.AddRow("accuracy", info.Accuracy is { } a ? $"{100 * a:F2}%" : "-");
            table.AddRow("epochs", $"{info.Epochs}");
            table.AddRow("created", $"{info.Created:u}");
            foreach (var (key, value) in info.Metadata ?? new Dictionary<string, string>())
                table.AddRow(Markup.Escape(key), Markup.Escape(value));
            AnsiConsole.Write(table);
            return CliRunner.Ok;
        });
        return command;
    }
}
