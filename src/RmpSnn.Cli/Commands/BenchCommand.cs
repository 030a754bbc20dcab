using System.CommandLine;
using System.Text.Json;
using RmpSnn.Evaluation;
using RmpSnn.Snn;
using Spectre.Console;
using static TorchSharp.torch;

namespace RmpSnn.Cli.Commands;

/// <summary>
/// <c>rmpsnn bench</c>: simulation throughput on random-weight CIFAR-shaped networks, or on a real converted model
/// (<see cref="BenchModel"/>), optionally against the PyTorch reference.
/// </summary>
public static class BenchCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var command = new Command("bench", """
            Measure simulation throughput: for each architecture × batch × T, a random-weight CIFAR-shaped (3×32×32)
            network with act-max thresholds is simulated with soft reset. Reports images·steps/s, dense-equivalent
            GFLOP/s (2 × MACs × images × steps / s), synaptic operations/s, spike rate and peak memory, next to the
            plain ANN forward at the same effective batch (the ceiling). --reference runs the PyTorch per-step
            reference (bench/reference/snn_reference.py) after each row and reports the ratio, by wall time and by process
            CPU time (the fairer one on a shared machine). Writes bench.json into --out.

            With MODEL, the converted network itself (--converted, default MODEL.snn.json: its thresholds, corrections and
            input coding) is simulated on real images (--dataset/--split/--limit, default the model's test split) for each
            T × batch, and --reference runs bench/reference/snn_file.py on the same network, exported with 'rmpsnn export
            --format safetensors', and the same images: rates, spike rate per layer, peak memory and both accuracy curves.

            Examples:
              rmpsnn bench
              rmpsnn bench --arch resnet20 vgg16 --batch 32 128 --steps 256 --reference --threads 2
              rmpsnn bench out/resnet20.model --converted out/resnet20.cal.json --limit 256 --steps 256 --batch 32 128 --reference
            """);
        var model = new Argument<string?>("MODEL")
        {
            Description = "A model file to benchmark with its converted thresholds on real images (default: the random-weight networks)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var converted = new Option<string?>("--converted") { Description = "With MODEL: its converted-model JSON (default: MODEL.snn.json)" };
        var reset = new Option<string>("--reset")
        {
            Description = "With MODEL: reset mode of the simulated SNN (soft or hard)",
            DefaultValueFactory = _ => "soft",
        };
        reset.AcceptOnlyFromAmong("soft", "hard");
        var encoding = new Option<string?>("--encoding")
        {
            Description = "With MODEL: input coding, direct or poisson (default: the converted file's; --reference needs direct)",
        };
        encoding.AcceptOnlyFromAmong("direct", "poisson");
        var data = new DataOptions("test");
        var arch = new Option<string[]>("--arch")
        {
            Description = "Architectures (ModelZoo names)",
            DefaultValueFactory = _ => ["resnet20", "vgg16"],
            AllowMultipleArgumentsPerToken = true,
        };
        var batch = new Option<int[]>("--batch")
        {
            Description = "Batch sizes",
            DefaultValueFactory = _ => [1, 32],
            AllowMultipleArgumentsPerToken = true,
        };
        var steps = new Option<int[]>("--steps", "-T")
        {
            Description = "Time-steps T",
            DefaultValueFactory = _ => [64],
            AllowMultipleArgumentsPerToken = true,
        };
        foreach (var grid in new[] { batch, steps })
            grid.Validators.Add(r =>
            {
                foreach (int v in OptionValue.TryGet<int[]>(r, out var values) ? values ?? [] : [])
                    if (v <= 0) r.AddError($"{grid.Name} {v}: expected positive numbers");
            });
        var chunk = new Option<int>("--chunk")
        {
            Description = "Steps per chunk K (1 = per-step loop, the fastest on CPU)",
            DefaultValueFactory = _ => 1,
        };
        chunk.Validators.Add(r => ConversionOptionsBinder.Positive(r, "--chunk"));
        var maxMemory = new Option<double?>("--max-memory") { Description = "Memory budget in MB: batch and chunk are reduced to fit" };
        maxMemory.Validators.Add(ConversionOptionsBinder.PositiveMegabytes);
        var noCache = new Option<bool>("--no-constant-cache")
        {
            Description = "Recompute the first layer every step even for direct input (to measure the cache)",
        };
        var noStats = new Option<bool>("--no-stats") { Description = "Skip spike and synaptic-operation recording" };
        var poisson = new Option<bool>("--poisson") { Description = "Poisson input instead of direct (constant-current) input" };
        var seed = new Option<int>("--seed") { Description = "Seed of the random weights and images" };
        var reference = new Option<bool>("--reference") { Description = "Also run the PyTorch reference for every row (needs python3 with torch)" };
        var python = new Option<string>("--python")
        {
            Description = "Python interpreter for --reference",
            DefaultValueFactory = _ => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3",
        };
        var script = new Option<string?>("--reference-script")
        {
            Description = "The PyTorch reference script (default: bench/reference/snn_reference.py, with MODEL snn_file.py)",
        };
        var output = new Option<string>("--out", "-o") { Description = "Output folder", DefaultValueFactory = _ => Path.Combine("out", "bench") };
        var engine = SimulationOptionsBinder.EngineOption();
        var device = new DeviceOptions();
        foreach (var o in new Option[] { arch, batch, steps, chunk, maxMemory, engine, noCache, noStats, poisson, seed, reference, python,
            script, output, converted, reset, encoding }) command.Options.Add(o);
        command.Arguments.Add(model);
        device.AddTo(command);
        data.AddTo(command);

        CliRunner.SetAction(command, (parse, cancel) =>
        {
            var dev = device.Resolve(parse);
            string? modelPath = parse.GetValue(model);
            string ReferenceScript(string name) => parse.GetValue(script) ?? Path.Combine("bench", "reference", name);
            if (modelPath is not null)
            {
                if (parse.GetResult(arch) is { Implicit: false })
                    throw new RmpSnnException("--arch: picks a random-weight network; with MODEL the model itself is benchmarked");
                var info = Models.ModelFile.ReadInfo(modelPath);
                var request = new BenchModelRequest(modelPath, parse.GetValue(converted) ?? modelPath + ".snn.json",
                    ModelArgument.Selection(data, parse, info), parse.GetValue(steps)!,
                    parse.GetResult(batch) is { Implicit: false } ? parse.GetValue(batch)! : [32],
                    parse.GetValue(reset) == "hard" ? ResetMode.Hard : ResetMode.Soft,
                    parse.GetValue(encoding) is { } coding ? ConversionOptionsBinder.EncodingOf(coding) : null, SimulationOptionsBinder.Engine(parse, engine),
                    parse.GetValue(reference) ? new PyTorchReference(parse.GetValue(python)!, ReferenceScript("snn_file.py")) : null,
                    OutputFolder.Prepare(parse.GetValue(output)!));
                return BenchModel.Run(request, dev, cancel);
            }
            var pytorch = parse.GetValue(reference) ? new PyTorchReference(parse.GetValue(python)!, ReferenceScript("snn_reference.py")) : null;
            int threads = get_num_threads();
            var rows = new List<(BenchmarkRow Row, (double Wall, double Cpu)? Reference, string Load)>();
            var engineChoice = SimulationOptionsBinder.Engine(parse, engine);
            foreach (string name in parse.GetValue(arch)!)
            {
                var (ann, snn) = SimulationBenchmark.Build(name, new NeuronOptions(ResetMode.Soft), parse.GetValue(seed), engineChoice, dev);
                foreach (int t in parse.GetValue(steps)!)
                    foreach (int b in parse.GetValue(batch)!)
                    {
                        cancel.ThrowIfCancellationRequested();
                        var options = new SimulationOptions(t, parse.GetValue(poisson) ? InputCoding.Poisson : InputCoding.Direct,
                            parse.GetValue(seed), RecordStatistics: !parse.GetValue(noStats));
                        var execution = new ExecutionOptions(b, parse.GetValue(chunk), parse.GetValue(maxMemory), engineChoice,
                            !parse.GetValue(noCache));
                        string load = LoadAverage();
                        var row = SimulationBenchmark.Measure(name, ann, snn, options, execution, dev);
                        (double Wall, double Cpu)? torchRate = pytorch?.ImageStepsPerSecond(name, row.Batch, t, threads, parse.GetValue(seed));
                        AnsiConsole.MarkupLine(Markup.Escape(
                            $"{name} B={row.Batch} T={t} K={row.ChunkSteps}: {row.ImageStepsPerSecond:0} image·steps/s"
                            + (torchRate is (double w, double c)
                                ? $", PyTorch {w:0} (per CPU-s: RmpSnn {row.ImageStepsPerSecond * row.Seconds / row.CpuSeconds:0}, PyTorch {c:0})"
                                : "")
                            + $" (load {load})"));
                        rows.Add((row, torchRate, load));
                    }
                snn.Dispose();
                ann.Dispose();
            }
            Show(rows, threads);
            string folder = OutputFolder.Prepare(parse.GetValue(output)!);
            var json = new Dictionary<string, object?>
            {
                ["threads"] = threads, ["device"] = dev.ToString(), ["encoding"] = parse.GetValue(poisson) ? "Poisson" : "Direct",
                ["reset"] = "Soft", ["recordStatistics"] = !parse.GetValue(noStats), ["cacheConstantInput"] = !parse.GetValue(noCache),
                ["engine"] = parse.GetValue(engine), ["seed"] = parse.GetValue(seed),
                ["rows"] = rows.Select(r => new
                {
                    r.Row.Arch, r.Row.Batch, r.Row.Steps, r.Row.ChunkSteps, r.Row.Seconds, r.Row.CpuSeconds, r.Row.ImageStepsPerSecond,
                    ImageStepsPerCpuSecond = CpuRate(r.Row), r.Row.GflopsPerSecond,
                    r.Row.SopsPerSecond, r.Row.SpikeRate, r.Row.PeakMemoryBytes, r.Row.PlainImagesPerSecond, r.Row.PlainGflopsPerSecond,
                    PyTorchImageStepsPerSecond = r.Reference?.Wall, PyTorchImageStepsPerCpuSecond = r.Reference?.Cpu,
                    RatioToPyTorch = r.Row.ImageStepsPerSecond / r.Reference?.Wall, CpuRatioToPyTorch = CpuRate(r.Row) / r.Reference?.Cpu,
                    LoadAverage = r.Load,
                }).ToArray(),
            };
            AtomicFile.WriteAllText(Path.Combine(folder, "bench.json"), JsonSerializer.Serialize(json,
                new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
            AnsiConsole.MarkupLine($"Wrote [green]{Markup.Escape(Path.Combine(folder, "bench.json"))}[/]");
            return CliRunner.Ok;
        });
        return command;
    }

    /// <summary>Images·steps per second of process CPU time.</summary>
    static double CpuRate(BenchmarkRow row) => row.ImageStepsPerSecond * row.Seconds / row.CpuSeconds;

    static void Show(IReadOnlyList<(BenchmarkRow Row, (double Wall, double Cpu)? Reference, string Load)> rows, int threads)
    {
        var table = new Table().Title($"Simulation throughput ({threads} thread(s))");
        foreach (string column in new[] { "arch", "B", "T", "K", "img·steps/s", "GFLOP/s", "plain", "% plain", "GSOP/s", "spikes", "peak MB",
            "PyTorch", "ratio", "CPU ratio" })
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var (r, reference, _) in rows)
            table.AddRow(r.Arch, $"{r.Batch}", $"{r.Steps}", $"{r.ChunkSteps}", $"{r.ImageStepsPerSecond:0}", $"{r.GflopsPerSecond:0.0}",
                $"{r.PlainGflopsPerSecond:0.0}", $"{100 * r.GflopsPerSecond / r.PlainGflopsPerSecond:0}%",
                r.SopsPerSecond is double sops ? $"{sops / 1e9:0.00}" : "–",
                r.SpikeRate is double rate ? $"{100 * rate:0.0}%" : "–", $"{r.PeakMemoryBytes / (1 << 20)}",
                reference is (double p, _) ? $"{p:0}" : "–", reference is (double q, _) ? $"{r.ImageStepsPerSecond / q:0.00}×" : "–",
                reference is (_, double c) ? $"{CpuRate(r) / c:0.00}×" : "–");
        AnsiConsole.Write(table);
    }

    /// <summary>The 1-, 5- and 15-minute load averages (Linux), recorded with every benchmark row.</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
