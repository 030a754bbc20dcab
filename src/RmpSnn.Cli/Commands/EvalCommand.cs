using System.CommandLine;
using RmpSnn.Models;
using RmpSnn.Training;
using Spectre.Console;
using TorchSharp;

namespace RmpSnn.Cli.Commands;

/// <summary><c>rmpsnn eval MODEL</c>: top-1 accuracy of the ANN.</summary>
public static class EvalCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var command = new Command("eval", """
            Measure the ANN's top-1 accuracy on a dataset split (default: the model's dataset, test split).

            Examples:
              rmpsnn eval out/fmnist.model
              rmpsnn eval out/resnet20.model --split val
              rmpsnn eval out/fmnist-maxpool.model --maxpool avg
            """);
        var model = ModelArgument.Create();
        var batch = new Option<int>("--batch") { Description = "Batch size", DefaultValueFactory = _ => 256 };
        var maxPool = new Option<string>("--maxpool")
        {
            Description = "max (as trained) or avg: max-pooling replaced by average pooling, as 'convert --maxpool avg' does",
            DefaultValueFactory = _ => "max",
        };
        maxPool.AcceptOnlyFromAmong("max", "avg");
        var data = new DataOptions("test");
        var device = new DeviceOptions();
        command.Arguments.Add(model);
        command.Options.Add(batch);
        command.Options.Add(maxPool);
        data.AddTo(command);
        device.AddTo(command);
        CliRunner.SetAction(command, (parse, _) =>
        {
            var dev = device.Resolve(parse);
            var (_, network, info) = ModelArgument.Load(parse, model, dev);
            var images = ModelArgument.Selection(data, parse, info).Load();
            DataOptions.WarnUnreadable(images);
            if (parse.GetValue(maxPool) == "avg" && info.Spec.MaxPool)
            {
                // Pooling layers hold no state, so the average-pool twin takes the same state dict.
                var twin = ModelZoo.Create(info.Spec with { MaxPool = false });
                twin.load_state_dict(network.state_dict());
                twin.to(dev);
                network.Dispose();
                network = twin;
            }
            double accuracy = Evaluator.Accuracy(network, images, info.Normalization, parse.GetValue(batch), dev);
            AnsiConsole.MarkupLine($"{info.Spec.Arch} on {images.Name} ({images.Count} images): top-1 [bold]{100 * accuracy:F2}%[/]");
            return CliRunner.Ok;
        });
        return command;
    }
}
