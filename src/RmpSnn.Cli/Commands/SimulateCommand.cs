using System.CommandLine;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Evaluation;
using RmpSnn.Experiments;
using RmpSnn.Models;
using RmpSnn.Snn;
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
            Writes results.json, accuracy.csv, layers.csv and accuracy_vs_T.png into --out. With --shard i/n it
            simulates only the i-th of n equal parts of the images (0-based) and writes shard-i-of-n.json; 'rmpsnn merge'
            adds the shards up into the files of one run, bit for bit (input spikes are seeded per image).

            Examples:
              rmpsnn simulate out/fmnist.model --steps 256
              rmpsnn simulate out/resnet20.model --steps 512 --alpha 1 0.9 0.8 --split val --limit 1000
              rmpsnn simulate out/resnet20.model --steps 256 --shard 0/4 --out runs/shards   # then: rmpsnn merge runs/shards
            """);
        var model = ModelArgument.Create();
        var converted = new Option<string?>("--converted") { Description = "Converted-model JSON (default: MODEL.snn.json, created if missing)" };
        var simulationOptions = new SimulationOptionsBinder([1.0]);
        var output = new Option<string?>("--out", "-o") { Description = "Output folder (default: out/simulate/<model name>)" };
        var conversion = new ConversionOptionsBinder();
        var data = new DataOptions("test");
        var device = new DeviceOptions();
        var shard = ShardOption.Create("simulate");
        var force = new Option<bool>("--force") { Description = "With --shard: replace an existing shard file" };
        command.Arguments.Add(model);
        command.Options.Add(converted);
        command.Options.Add(shard);
        command.Options.Add(force);
        simulationOptions.AddTo(command);
        command.Options.Add(output);
        conversion.AddTo(command);
        data.AddTo(command);
        device.AddTo(command);

        CliRunner.SetAction(command, (parse, cancel) =>
        {
            string modelPath = parse.GetValue(model)!;
            var info = ModelFile.ReadInfo(modelPath);
            Shard? part = parse.GetValue(shard) is { } text ? Shard.Parse(text) : null;
            string folder = OutputFolder.Prepare(parse.GetValue(output) ?? Path.Combine("out", "simulate", Path.GetFileNameWithoutExtension(modelPath)));
            if (part is { } p && File.Exists(Path.Combine(folder, SimulationShard.FileName(p))) && !parse.GetValue(force))
                throw new RmpSnnException($"{Path.Combine(folder, SimulationShard.FileName(p))}: exists; pass --force to replace it");
            var dev = device.Resolve(parse);
            ConvertStep.Plan Plan() => conversion.Plan(parse, simulationOptions.Seed(parse), info.Spec, simulationOptions.Steps(parse));
            string convertedPath = parse.GetValue(converted) ?? modelPath + ".snn.json";
            if (conversion.AsksForConversion(parse) && File.Exists(convertedPath))
                ConvertStep.RequireMatch(BalancedThresholds.Load(convertedPath), convertedPath, Plan().Balancing);
            var request = new SimulationRequest(modelPath, convertedPath,
                ModelArgument.Selection(data, parse, info) with { Shard = part }, Plan,
                conversion.GivenResets(parse), simulationOptions.GivenAlphas(parse) ?? [.. conversion.Recipe(parse, info.Spec)?.Alphas ?? [1.0]],
                simulationOptions.Simulation(parse, InputCoding.Poisson),
                simulationOptions.Execution(parse), conversion.GivenEncoding(parse), simulationOptions.GivenInitialPotential(parse),
                simulationOptions.ResetPotential(parse), Signed: conversion.GivenSigned(parse),
                MaxBurst: conversion.GivenMaxBurst(parse));
            var outcome = ConsoleProgress.Workflow(progress => SimulationWorkflow.Run(request, dev, progress, cancel));
            DataOptions.WarnUnreadable(outcome.Images);
            if (outcome.ConvertedNow) AnsiConsole.MarkupLine($"Converted and saved [green]{Markup.Escape(request.ConvertedPath)}[/]");

            var (simulation, neurons, snnModel, images) = (outcome.Simulation, outcome.Neurons, outcome.Converted, outcome.Images);
            var context = new Dictionary<string, object?>
                {
                    ["model"] = Path.GetFullPath(modelPath), ["converted"] = Path.GetFullPath(request.ConvertedPath), ["arch"] = info.Spec.Arch,
                    ["dataset"] = images.Name, ["images"] = images.Count, ["encoding"] = simulation.Encoding.ToString(),
                    ["norm"] = snnModel.Norm.ToString(), ["readout"] = snnModel.Readout.ToString(), ["maxpool"] = snnModel.MaxPool.ToString(),
                    ["seed"] = simulation.Seed, ["initialPotential"] = neurons.InitialPotential, ["resetPotential"] = neurons.ResetPotential,
                    ["neuron"] = neurons.Kind,
                    ["maxMemoryMegabytes"] = outcome.Execution.MaxMemoryMegabytes, ["peakMemoryBytes"] = PeakMemory.Bytes(),
                };
            if (part is { } piece)
            {
                SimulationTable.ShowAccuracy(outcome.Results, outcome.AnnAccuracy);
                var (first, _) = piece.Range(outcome.TotalImages);
                string path = new SimulationShard(piece.Index, piece.Count, first, outcome.TotalImages,
                    SimulationShard.Identity(outcome, dev.type.ToString()), outcome.AnnCorrect, [.. outcome.Results.Select(StoredResult.From)],
                    context.ToDictionary(c => c.Key, c => System.Text.Json.JsonSerializer.SerializeToElement(c.Value))).Save(folder, overwrite: true);
                AnsiConsole.MarkupLine($"Wrote [green]{Markup.Escape(path)}[/] (images {first}–{first + images.Count - 1} of " +
                    $"{outcome.TotalImages}); 'rmpsnn merge {Markup.Escape(folder)}' combines the shards");
            }
            else
                Report(folder, outcome.Results, outcome.AnnAccuracy, $"{info.Spec.Arch}, {images.Name} ({images.Count} images, {simulation.Encoding}{(neurons.Kind == "if" ? "" : $", {neurons.Kind} neurons")})",
                    context);
            return CliRunner.Ok;
        });
        return command;
    }

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
