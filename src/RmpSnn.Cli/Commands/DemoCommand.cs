using System.CommandLine;
using RmpSnn.Experiments;

namespace RmpSnn.Cli.Commands;

/// <summary><c>rmpsnn demo</c>: the whole main job on the embedded Fashion-MNIST sample — train, convert, simulate hard vs soft.</summary>
public static class DemoCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var command = new Command("demo", """
            The main job on the Fashion-MNIST sample shipped with RmpSnn (6000 training, 1000 test images; nothing to
            download): train the small constrained CNN (or reuse out/demo/fmnist.model), convert it with spike-based
            threshold balancing, simulate hard vs soft reset at threshold scales α = 1 and 0.5 with Poisson input, print
            the tables and write
            out/demo/accuracy_vs_T.png.

            Example:
              rmpsnn demo
              rmpsnn demo --steps 256 --epochs 5
            """);
        var steps = new Option<int>("--steps", "-T") { Description = "Time-steps to simulate", DefaultValueFactory = _ => 128 };
        steps.Validators.Add(r => ConversionOptionsBinder.Positive(r, "--steps"));
        var epochs = new Option<int>("--epochs") { Description = "Training epochs (when no demo model exists yet)", DefaultValueFactory = _ => 4 };
        epochs.Validators.Add(r => ConversionOptionsBinder.Positive(r, "--epochs"));
        var output = new Option<string>("--out", "-o") { Description = "Output folder", DefaultValueFactory = _ => Path.Combine("out", "demo") };
        var retrain = new Option<bool>("--retrain") { Description = "Train again even if the demo model exists" };
        var device = new DeviceOptions();
        foreach (var o in new Option[] { steps, epochs, output, retrain }) command.Options.Add(o);
        device.AddTo(command);

        CliRunner.SetAction(command, (parse, cancel) =>
        {
            string folder = OutputFolder.Prepare(parse.GetValue(output)!);
            var outcome = ConsoleProgress.Workflow(progress =>
                Demo.Run(folder, parse.GetValue(steps), parse.GetValue(epochs), parse.GetValue(retrain), device.Resolve(parse), progress, cancel));
            SimulateCommand.Report(folder, outcome.Results, outcome.AnnAccuracy,
                $"{outcome.Info.Spec.Arch}, {outcome.Images.Name}: hard vs soft reset, spike norm × α",
                new Dictionary<string, object?>
                {
                    ["model"] = Path.GetFullPath(Demo.ModelPath(folder)), ["dataset"] = outcome.Images.Name, ["images"] = outcome.Images.Count,
                    ["encoding"] = "Poisson", ["norm"] = "Spike",
                });
            return CliRunner.Ok;
        });
        return command;
    }
}
