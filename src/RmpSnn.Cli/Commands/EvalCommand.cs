using System.CommandLine;
using RmpSnn.Models;
using RmpSnn.Training;
using Spectre.Console;

namespace RmpSnn.Cli.Commands;

/// <summary><c>rmpsnn eval MODEL</c>: top-1 accuracy of the ANN.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var command = new Command("eval", """
            Measure the ANN's top-1 accuracy on a dataset split (default: the model's dataset, test split).

            Examples:
              rmpsnn eval out/fmnist.model
              rmpsnn eval out/resnet20.model --split val
            """);
        var model = ModelArgument.Create();
        var batch = new Option<int>("--batch") { Description = "Batch size", DefaultValueFactory = _ => 256 };
        var data = new DataOptions("test");
        var device = new DeviceOptions();
        command.Arguments.Add(model);
        command.Options.Add(batch);
        data.AddTo(command);
        device.AddTo(command);
        CliRunner.SetAction(command, (parse, _) =>
        {
            var dev = device.Resolve(parse);
            var (_, network, info) = ModelArgument.Load(parse, model, dev);
            var images = ModelArgument.Selection(data, parse, info).Load();
            double accuracy = Evaluator.Accuracy(network, images, info.Normalization, parse.GetValue(batch), dev);
            AnsiConsole.MarkupLine($"{info.Spec.Arch} on {images.Name} ({images.Count} images): top-1 [bold]{100 * accuracy:F2}%[/]");
            return CliRunner.Ok;
        });
        return command;
    }
}
