using System.CommandLine;
using RmpSnn.Conversion;
using RmpSnn.Conversion.Recipes;
using RmpSnn.Data;
using RmpSnn.Experiments;
using RmpSnn.Snn;
using Spectre.Console;

namespace RmpSnn.Cli.Commands;

/// <summary><c>rmpsnn sweep MODEL</c>: the resumable grid norm × encoding × reset × α, with tables, tidy files and figures.</summary>
public static class SweepCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var command = new Command("sweep", """
            Run the experiment grid norm × encoding × reset × α on one model. Each (norm, encoding) cell is balanced once
            (cached as converted-*.json in --out) and all its reset × α configurations are simulated together on the same
            input spikes. After every cell, sweep.json (everything, incl. per-layer spike rates and SOPs), sweep.csv (one
            row per configuration × T) and sweep-summary.csv (latency, soft-over-hard speed-up, energy) are rewritten
            atomically: a killed sweep resumes with the next cell, and re-running a finished one only prints its tables.
            At the end it draws the figures (see 'rmpsnn plot'). With --shard i/n the folder holds the sweep of the i-th of
            n equal parts of the images; 'rmpsnn merge' adds the shard folders up into one sweep, bit for bit.

            Examples:
              rmpsnn sweep out/fmnist.model --limit 1000
              rmpsnn sweep out/fmnist.model --norm spike act-pct --encoding poisson --alpha 1 0.5 --steps 128 --out out/sw
              rmpsnn sweep out/fmnist.model --shard 1/4 --out out/sw-1      # then: rmpsnn merge out/sw-0 ... out/sw-3 --out out/sw
            """);
        var model = ModelArgument.Create();
        var norms = new Option<string[]>("--norm")
        {
            Description = "Threshold balancings to sweep: spike, act-max, act-pct, search, calibrated (default: all three " +
                "first ones, or the --recipe's)",
            DefaultValueFactory = _ => ["spike", "act-max", "act-pct"],
            AllowMultipleArgumentsPerToken = true,
        };
        norms.AcceptOnlyFromAmong("spike", "act-max", "act-pct", "search", "calibrated");
        var encodings = new Option<string[]>("--encoding")
        {
            Description = "Input codings to sweep: poisson, direct",
            DefaultValueFactory = _ => ["poisson", "direct"],
            AllowMultipleArgumentsPerToken = true,
        };
        encodings.AcceptOnlyFromAmong("poisson", "direct");
        var output = new Option<string?>("--out", "-o") { Description = "Sweep folder (default: out/sweep/<model name>)" };
        var recipe = new Option<string?>("--recipe")
        {
            Description = "Sweep one recipe: its norm, input coding, resets, alphas and calibration, unless given " +
                $"({string.Join(", ", ConversionRecipe.All.Where(r => r.Norm != NormMode.Qcfs).Select(r => r.Name))})",
        };
        recipe.AcceptOnlyFromAmong([.. ConversionRecipe.All.Where(r => r.Norm != NormMode.Qcfs).Select(r => r.Name)]);
        var conversion = new ConversionOptionsBinder();
        var simulation = new SimulationOptionsBinder([1.0, 0.9, 0.8, 0.7, 0.6, 0.5]);
        var data = new DataOptions("test");
        var device = new DeviceOptions();
        var shard = ShardOption.Create("sweep");
        command.Arguments.Add(model);
        command.Options.Add(shard);
        command.Options.Add(norms);
        command.Options.Add(encodings);
        command.Options.Add(recipe);
        conversion.AddCalibrationTo(command);
        simulation.AddTo(command);
        command.Options.Add(output);
        data.AddTo(command);
        device.AddTo(command);

        CliRunner.SetAction(command, (parse, cancel) =>
        {
            var dev = device.Resolve(parse);
            var (modelPath, ann, info) = ModelArgument.Load(parse, model, dev);
            var selection = ModelArgument.Selection(data, parse, info);
            string folder = OutputFolder.Prepare(parse.GetValue(output) ?? Path.Combine("out", "sweep", Path.GetFileNameWithoutExtension(modelPath)));
            Shard? part = parse.GetValue(shard) is { } text ? Shard.Parse(text) : null;
            var whole = selection.Load();
            DataOptions.WarnUnreadable(whole);
            var images = part is { } piece ? piece.Of(whole) : whole;
            var chosen = parse.GetValue(recipe) is { } name ? ConversionRecipe.Named(name) : null;
            var run = simulation.Simulation(parse, InputCoding.Poisson);
            var calibration = conversion.Calibration(parse, simulation.Seed(parse));
            if (chosen is not null)
            {
                var planned = chosen.Balancing(calibration, run.Steps);
                calibration = calibration with
                {
                    CalibrationImages = ConversionOptionsBinder.Given(parse, "--calib-images") ? calibration.CalibrationImages : planned.CalibrationImages,
                    CalibrationSteps = ConversionOptionsBinder.Given(parse, "--calib-steps") ? calibration.CalibrationSteps : planned.CalibrationSteps,
                };
            }
            string[] Words(Option<string[]> option, string recipeWord) =>
                chosen is not null && !ConversionOptionsBinder.Given(parse, option) ? [recipeWord] : parse.GetValue(option)!;
            var execution = simulation.Execution(parse);
            var neurons = simulation.Neurons(parse);
            var settings = new SweepSettings(BalancedThresholds.Sha256(modelPath), selection.Dataset, selection.Split, selection.Validation,
                whole.Count, run.Steps, [.. Words(norms, Sweep.Word(chosen?.Norm ?? NormMode.Spike)).Distinct().Select(ConversionOptionsBinder.Norm)],
                [.. Words(encodings, chosen?.Norm == NormMode.Spike ? "poisson" : "direct").Distinct().Select(ConversionOptionsBinder.EncodingOf)],
                chosen is not null && conversion.GivenResets(parse) is null ? [.. chosen.Resets] : conversion.Resets(parse),
                simulation.GivenAlphas(parse) ?? [.. chosen?.Alphas ?? simulation.Alphas(parse)], calibration.Percentile, calibration.CalibrationImages,
                calibration.CalibrationSteps, conversion.Readout(parse), run.Seed, neurons.InitialPotential,
                neurons.ResetPotential, conversion.MaxPool(parse), part?.ToString(), conversion.Signed(parse),
                conversion.MaxBurst(parse));
            if (settings.Resets.Length == 0) throw new RmpSnnException("--reset: expected at least one reset mode (soft, hard)");

            var existing = SweepFile.Load(folder);
            existing?.Check(settings, folder);
            int cells = settings.Norms.Length * settings.Encodings.Length;
            string stage = $"sweep: {cells} cells × {settings.Resets.Length * settings.Alphas.Length} SNNs × {settings.Steps} steps";
            var (file, cellsRun) = existing is { Finished: true } ? (existing, 0) : ConsoleProgress.Workflow(progress =>
                Sweep.Run(folder, modelPath, ann, info, images, selection with { Split = "train" }, settings, execution, dev,
                    new Reporter<SweepProgress>(p => progress.Report(new WorkflowProgress(stage, p.CellsDone * p.SamplesTotal + p.SamplesDone,
                        p.Cells * p.SamplesTotal,
                        $"cell {Math.Min(p.CellsDone + 1, p.Cells)}/{p.Cells} {p.Stage} ({p.SamplesDone}/{p.SamplesTotal} images)"))), cancel));
            if (cellsRun == 0) AnsiConsole.MarkupLine($"[green]{Markup.Escape(folder)}[/] holds the finished sweep; nothing to simulate");
            SweepTable.Show(file);
            if (cellsRun > 0 || !File.Exists(Path.Combine(folder, "transfer.png")))
            {
                var figures = SweepFigures.Save(folder, file);
                AnsiConsole.MarkupLine($"Wrote [green]{Markup.Escape(folder)}[/]: {SweepFile.FileName}, {Sweep.CsvFile}, {Sweep.SummaryFile} " +
                    $"and {figures.Count} figures");
            }
            return CliRunner.Ok;
        });
        return command;
    }
}
