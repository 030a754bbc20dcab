using System.CommandLine;
using RmpSnn.Conversion;
using RmpSnn.Evaluation;
using RmpSnn.Models;
using RmpSnn.Snn;
using RmpSnn.Training;
using Spectre.Console;

namespace RmpSnn.Cli.Commands;

/// <summary><c>rmpsnn simulate MODEL</c>: run the converted SNN for T steps, hard vs soft reset, every α, and report.</summary>
public static class SimulateCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var command = new Command("simulate", """
            Simulate the converted SNN on a dataset split for T steps. One run gives the accuracy after every step
            t ≤ T for each reset mode and threshold scale α (all on the same input spikes), spikes per neuron per step
            by layer, and synaptic operations. Uses MODEL.snn.json from 'rmpsnn convert' (converting first if absent).
            Writes results.json, accuracy.csv, layers.csv and accuracy_vs_T.png into --out.

            Examples:
              rmpsnn simulate out/fmnist.model --steps 256
              rmpsnn simulate out/resnet20.model --steps 512 --alpha 1 0.9 0.8 --split val --limit 1000
            """);
        var model = ModelArgument.Create();
        var converted = new Option<string?>("--converted") { Description = "Converted-model JSON (default: MODEL.snn.json, created if missing)" };
        var simulationOptions = new SimulationOptionsBinder([1.0]);
        var output = new Option<string?>("--out", "-o") { Description = "Output folder (default: out/simulate/<model name>)" };
        var conversion = new ConversionOptionsBinder();
        var data = new DataOptions("test");
        var device = new DeviceOptions();
        command.Arguments.Add(model);
        command.Options.Add(converted);
        simulationOptions.AddTo(command);
        command.Options.Add(output);
        conversion.AddTo(command);
        data.AddTo(command);
        device.AddTo(command);

        CliRunner.SetAction(command, (parse, cancel) =>
        {
            var dev = device.Resolve(parse);
            var (modelPath, ann, info) = ModelArgument.Load(parse, model, dev);
            var selection = ModelArgument.Selection(data, parse, info);
            string convertedPath = parse.GetValue(converted) ?? modelPath + ".snn.json";
            ConvertedModel snnModel;
            if (File.Exists(convertedPath)) snnModel = ConvertedModel.Load(convertedPath);
            else
            {
                var balancing = conversion.Balancing(parse, simulationOptions.Seed(parse), info.Spec);
                snnModel = ConvertCommand.Run(modelPath, ann, info, selection with { Split = "train" },
                    balancing, conversion.Resets(parse, balancing.Mode), conversion.Readout(parse), conversion.MaxPool(parse), dev);
                snnModel.Save(convertedPath);
                AnsiConsole.MarkupLine($"Converted and saved [green]{Markup.Escape(convertedPath)}[/]");
            }

            var resets = conversion.Resets(parse, snnModel.Norm);
            var images = selection.Load();
            var configurations = resets.SelectMany(r => simulationOptions.Alphas(parse).Select(a => new SnnConfiguration(r, a))).ToArray();
            var simulation = simulationOptions.Simulation(parse, conversion.Encoding(parse, snnModel.SimulationEncoding));
            var neurons = simulationOptions.Neurons(parse, snnModel.InitialPotential);
            double annAccuracy = 100 * Evaluator.Accuracy(ann, images, info.Normalization, simulation.BatchSize, dev);
            var results = Run(ann, info, snnModel, convertedPath, images, configurations, neurons, simulation, dev, cancel);

            string folder = parse.GetValue(output) ?? Path.Combine("out", "simulate", Path.GetFileNameWithoutExtension(modelPath));
            Report(folder, results, annAccuracy, $"{info.Spec.Arch}, {images.Name} ({images.Count} images, {simulation.Encoding})",
                new Dictionary<string, object?>
                {
                    ["model"] = Path.GetFullPath(modelPath), ["converted"] = Path.GetFullPath(convertedPath), ["arch"] = info.Spec.Arch,
                    ["dataset"] = images.Name, ["images"] = images.Count, ["encoding"] = simulation.Encoding.ToString(),
                    ["norm"] = snnModel.Norm.ToString(), ["readout"] = snnModel.Readout.ToString(), ["maxpool"] = snnModel.MaxPool.ToString(), ["seed"] = simulation.Seed,
                    ["initialPotential"] = neurons.InitialPotential, ["resetPotential"] = neurons.ResetPotential,
                    ["maxMemoryMegabytes"] = simulation.MaxMemoryMegabytes, ["peakMemoryBytes"] = PeakMemory.Bytes(),
                });
            return CliRunner.Ok;
        });
        return command;
    }

    /// <summary>Simulates under a progress bar; shared with <c>demo</c>.</summary>
    public static IReadOnlyList<SimulationResult> Run(Network ann, ModelInfo info, ConvertedModel converted, string convertedPath,
        Data.ImageDataset images, IReadOnlyList<SnnConfiguration> configurations, NeuronOptions neurons, SimulationOptions simulation,
        TorchSharp.torch.Device device, CancellationToken cancel) =>
        ConsoleProgress.Run($"simulating {configurations.Count} SNN(s) × {simulation.Steps} steps", update =>
            ConversionExperiment.Run(ann, info, converted, convertedPath, images, configurations, neurons, simulation, device,
                new ConsoleProgress.Callback<SimulationProgress>(p => update(p.SamplesDone, p.SamplesTotal, $"{p.SamplesDone}/{p.SamplesTotal} images")), cancel));

    /// <summary>Prints the tables and writes JSON, CSV and the accuracy-vs-T figure into <paramref name="folder"/>.</summary>
    public static void Report(string folder, IReadOnlyList<SimulationResult> results, double annAccuracy, string title,
        IReadOnlyDictionary<string, object?> context)
    {
        SimulationTable.ShowAccuracy(results, annAccuracy);
        SimulationTable.ShowActivity(results);
        SimulationReport.Write(folder, results, annAccuracy, context);
        AccuracyPlot.Save(Path.Combine(folder, "accuracy_vs_T.png"), results, annAccuracy, title);
        AnsiConsole.MarkupLine($"Wrote [green]{Markup.Escape(folder)}[/]: results.json, accuracy.csv, layers.csv, accuracy_vs_T.png");
    }
}
