using TorchSharp;
using System.CommandLine;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Evaluation;
using RmpSnn.Models;
using RmpSnn.Snn;
using RmpSnn.Training;
using Spectre.Console;

namespace RmpSnn.Cli.Commands;

/// <summary><c>rmpsnn demo</c>: the whole main job on the embedded Fashion-MNIST sample — train, convert, simulate hard vs soft.</summary>
public static class DemoCommand
{
    const string Dataset = "fashion-mnist-sample";
    static readonly double[] DemoAlphas = [1.0, 0.5];

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
            var dev = device.Resolve(parse);
            string folder = parse.GetValue(output)!;
            string modelPath = Path.Combine(folder, "fmnist.model");
            var train = new DatasetSelection(Dataset, null, "train");
            var test = new DatasetSelection(Dataset, null, "test");
            if (parse.GetValue(retrain) || !File.Exists(modelPath)) TrainModel(modelPath, train, test, parse.GetValue(epochs), dev, cancel);
            else AnsiConsole.MarkupLine($"Reusing [green]{Markup.Escape(modelPath)}[/] (--retrain to train again)");

            var (ann, info) = ModelFile.Load(modelPath, dev);
            var resets = new[] { ResetMode.Soft, ResetMode.Hard };
            var converted = ConvertCommand.Run(modelPath, ann, info, train, new BalancingOptions(NormMode.Spike), resets, ReadoutMode.Potential, MaxPoolMode.Gate, dev);
            string convertedPath = modelPath + ".snn.json";
            converted.Save(convertedPath);

            var images = test.Load();
            var simulation = new SimulationOptions(parse.GetValue(steps));
            double annAccuracy = 100 * Evaluator.Accuracy(ann, images, info.Normalization, 250, dev);
            var results = SimulateCommand.Run(ann, info, converted, convertedPath, images,
                resets.SelectMany(r => DemoAlphas.Select(a => new SnnConfiguration(r, a))).ToArray(), new NeuronOptions(ResetMode.Soft), simulation, dev, cancel);
            SimulateCommand.Report(folder, results, annAccuracy, $"{info.Spec.Arch}, {images.Name}: hard vs soft reset, spike norm × α",
                new Dictionary<string, object?> { ["model"] = Path.GetFullPath(modelPath), ["dataset"] = images.Name, ["images"] = images.Count, ["encoding"] = "Poisson", ["norm"] = "Spike" });
            return CliRunner.Ok;
        });
        return command;
    }

    static void TrainModel(string modelPath, DatasetSelection train, DatasetSelection test, int epochs, TorchSharp.torch.Device device, CancellationToken cancel)
    {
        var trainSet = train.Load();
        var testSet = test.Load();
        var normalization = DatasetCatalog.DefaultNormalization(Dataset);
        var spec = new ModelSpec("smallcnn", trainSet.Channels, trainSet.Height, trainSet.Classes);
        var network = ModelZoo.Create(spec, seed: 0);
        network.to(device);
        var options = new TrainerOptions { Epochs = epochs, BatchSize = 64, LearningRate = 0.05, Device = device, CheckpointPath = modelPath + ".ckpt" };
        AnsiConsole.MarkupLine($"Training smallcnn on {trainSet.Name} ({trainSet.Count} images, {epochs} epochs)");
        var history = TrainCommand.Train(network, trainSet, testSet, normalization, options, cancel);
        ModelFile.Save(modelPath, network, new ModelInfo(spec, normalization, Dataset, history.Epochs[^1].TestAccuracy, epochs));
    }
}
