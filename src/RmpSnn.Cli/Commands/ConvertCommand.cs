using RmpSnn.Experiments;
using System.CommandLine;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Snn;
using Spectre.Console;
using static TorchSharp.torch;

namespace RmpSnn.Cli.Commands;

/// <summary><c>rmpsnn convert MODEL</c>: ANN → SNN with balanced thresholds, saved as JSON for later simulation.</summary>
public static class ConvertCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var command = new Command("convert", """
            Convert a trained ANN to an SNN and balance its thresholds on calibration images from the training split
            (the part not held out by --val). Writes MODEL.snn.json (or --out) with the thresholds for each reset mode.

            Examples:
              rmpsnn convert out/fmnist.model
              rmpsnn convert out/resnet20.model --norm act-pct --percentile 99.9 --calib-images 256
              rmpsnn convert out/fmnist-maxpool.model --maxpool avg
              rmpsnn convert out/resnet20-qcfs.model      (QCFS model: V_th = trained clips, soft reset)
            """);
        var model = ModelArgument.Create();
        var output = new Option<string?>("--out", "-o") { Description = "Converted-model JSON to write (default: MODEL.snn.json)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the calibration spikes" };
        var force = new Option<bool>("--force") { Description = "Replace --out (or MODEL.snn.json) if it exists" };
        var conversion = new ConversionOptionsBinder();
        var data = new DataOptions("train");
        var device = new DeviceOptions();
        command.Arguments.Add(model);
        command.Options.Add(output);
        command.Options.Add(seed);
        command.Options.Add(force);
        conversion.AddTo(command);
        data.AddTo(command);
        device.AddTo(command);
        CliRunner.SetAction(command, (parse, _) =>
        {
            var dev = device.Resolve(parse);
            var (modelPath, ann, info) = ModelArgument.Load(parse, model, dev);
            string outPath = parse.GetValue(output) ?? modelPath + ".snn.json";
            if (File.Exists(outPath) && !parse.GetValue(force)) throw new RmpSnnException($"{outPath}: exists; pass --force to replace it");
            var converted = ConsoleProgress.Workflow(progress => ConvertStep.Convert(modelPath, ann, info, ModelArgument.Selection(data, parse, info),
                conversion.Plan(parse, parse.GetValue(seed), info.Spec), dev, progress));
            converted.Save(outPath);
            ShowThresholds(converted);
            AnsiConsole.MarkupLine($"Saved [green]{Markup.Escape(outPath)}[/]");
            return CliRunner.Ok;
        });
        return command;
    }

    static void ShowThresholds(BalancedThresholds converted)
    {
        var table = new Table().AddColumn("layer");
        foreach (var reset in converted.Thresholds.Keys) table.AddColumn($"V_th {reset.ToString().ToLowerInvariant()}");
        foreach (string layer in converted.Thresholds.Values.First().Keys)
            table.AddRow([layer, .. converted.Thresholds.Values.Select(v => v[layer].ToString("G4"))]);
        AnsiConsole.Write(table);
    }
}
