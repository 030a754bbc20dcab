using System.Text.Json;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Evaluation;
using RmpSnn.Experiments;
using RmpSnn.Export;
using RmpSnn.Models;
using RmpSnn.Snn;
using Spectre.Console;
using static TorchSharp.torch;

namespace RmpSnn.Cli.Commands;

/// <summary>What <c>rmpsnn bench MODEL</c> measures: the grid, the reset mode and where the PyTorch reference is.</summary>
/// <param name="ModelPath">The model file.</param>
/// <param name="ConvertedPath">Its converted thresholds.</param>
/// <param name="Images">The images to simulate.</param>
/// <param name="Steps">The T values.</param>
/// <param name="Batches">The batch sizes.</param>
/// <param name="Reset">Reset mode of the simulated SNN.</param>
/// <param name="Encoding">Input coding (null: the converted file's).</param>
/// <param name="Engine">Simulation engine.</param>
/// <param name="Reference">The PyTorch reference (<c>snn_file.py</c>), or null.</param>
/// <param name="Folder">The output folder (prepared).</param>
public sealed record BenchModelRequest(string ModelPath, string ConvertedPath, DatasetSelection Images, int[] Steps, int[] Batches, ResetMode Reset,
    InputCoding? Encoding, SimulationEngine Engine, PyTorchReference? Reference, string Folder);

/// <summary>
/// <c>rmpsnn bench MODEL</c>: a converted network with its own thresholds, corrections and input coding on real images,
/// timed for each T × batch, next to the PyTorch per-step reference running the same network from its safetensors export
/// on the same images, with the two accuracy curves compared in the run.
/// </summary>
public static class BenchModel
{
    /// <summary>Runs <paramref name="request"/> on <paramref name="device"/>; writes bench.json and returns the exit code.</summary>
    public static int Run(BenchModelRequest request, Device device, CancellationToken cancel)
    {
        var (ann, info) = ModelFile.Load(request.ModelPath, device);
        using (ann)
        {
            var converted = ConvertStep.Load(request.ConvertedPath, request.ModelPath);
            var encoding = request.Encoding ?? converted.SimulationEncoding;
            if (request.Reference is not null && encoding != InputCoding.Direct)
                throw new RmpSnnException($"{request.ConvertedPath}: converted for {encoding} input; the PyTorch reference draws no spikes " +
                    "of its own, so --reference needs direct input: pass --encoding direct");
            if (request.Reference is not null && NeuronOptions.KindOf(converted.Signed, converted.MaxBurst) is var kind && kind != "if")
                throw new RmpSnnException($"{request.ConvertedPath}: calibrated for {kind} neurons, which the PyTorch reference does not " +
                    "have; drop --reference, or convert with --neuron if");
            var images = request.Images.Load();
            DataOptions.WarnUnreadable(images);
            var neurons = new NeuronOptions(request.Reset, 0, converted.InitialPotential, converted.Signed, converted.MaxBurst).Validate();
            using var compiled = ConversionPipeline.Compile(ann, info.Normalization, converted, neurons, request.Engine, device);
            using var snn = ConversionPipeline.Configure(compiled, converted, request.ConvertedPath, neurons, 1.0);
            string snnFile = Path.Combine(request.Folder, "snn.safetensors"), imagesFile = Path.Combine(request.Folder, "images.safetensors");
            if (request.Reference is not null)
            {
                ExportStep.Safetensors(new ExportRequest(request.ModelPath, request.ConvertedPath, snnFile, request.Reset, Overwrite: true));
                WriteImages(imagesFile, images);
            }
            int threads = get_num_threads();
            var rows = new List<(ModelBenchmarkRow Row, ReferenceRun? Reference, string Load)>();
            foreach (int t in request.Steps)
                foreach (int b in request.Batches)
                {
                    cancel.ThrowIfCancellationRequested();
                    string load = BenchCommand.LoadAverage();
                    var row = ConsoleProgress.Workflow(progress => ModelBenchmark.Measure(snn, images, new SimulationOptions(t, encoding),
                        new ExecutionOptions(b, Engine: request.Engine), device, new Reporter<SimulationProgress>(p => progress.Report(
                            new WorkflowProgress($"T={t} B={b}: RmpSnn", p.SamplesDone, p.SamplesTotal, $"T={t} B={b}: {p.SamplesDone}/{p.SamplesTotal} images")))));
                    var reference = request.Reference?.Simulate(snnFile, imagesFile, b, t, threads);
                    AnsiConsole.MarkupLine(Markup.Escape($"T={t} B={row.Batch}: {row.ImageStepsPerCpuSecond:0} image·steps per CPU-s"
                        + (reference is null ? "" : $", PyTorch {reference.Cpu:0} ({row.ImageStepsPerCpuSecond / reference.Cpu:0.00}×), " +
                            $"curves differ by at most {CurveDifference(row.Result.CorrectPerStep, reference.CorrectPerStep)} image(s)")
                        + $" (load {load})"));
                    rows.Add((row, reference, load));
                }
            Show(info.Spec.Arch, images.Count, rows, threads);
            Write(Path.Combine(request.Folder, "bench.json"), request, info, images, encoding, neurons, threads, device, rows);
            return CliRunner.Ok;
        }
    }

    /// <summary>The largest difference in correct images at any step.</summary>
    static long CurveDifference(long[] ours, long[] theirs) =>
        ours.Length != theirs.Length ? long.MaxValue : ours.Zip(theirs, (a, b) => Math.Abs(a - b)).Max();

    /// <summary>Writes the images as pixels in [0, 1] (the converted SNN's input) and their labels, for the reference.</summary>
    static void WriteImages(string path, ImageDataset images)
    {
        var pixels = new float[(long)images.Count * images.ImageBytes];
        for (int i = 0; i < images.Count; i++)
        {
            var source = images.Pixels(i);
            for (int j = 0; j < source.Length; j++) pixels[(long)i * images.ImageBytes + j] = source[j] / 255f;
        }
        using var x = tensor(pixels, [images.Count, images.Channels, images.Height, images.Width]);
        using var y = tensor(images.Labels.Select(l => (long)l).ToArray());
        SafetensorsFile.Write(path, [new("images", x), new("labels", y)]);
    }

    static void Show(string arch, int images, IReadOnlyList<(ModelBenchmarkRow Row, ReferenceRun? Reference, string Load)> rows, int threads)
    {
        var table = new Table().Title($"{arch}: {images} images, {threads} thread(s)");
        foreach (string column in new[] { "T", "B", "img·steps/s", "per CPU-s", "GSOP/s", "spikes", "peak MB", "PyTorch per CPU-s", "CPU ratio",
            "wall ratio", "accuracy", "PyTorch accuracy", "curve Δ", "PyTorch peak MB", "load" })
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var (r, reference, load) in rows)
        {
            table.AddRow($"{r.Steps}", $"{r.Batch}", $"{r.ImageStepsPerSecond:0}", $"{r.ImageStepsPerCpuSecond:0}", $"{r.SopsPerSecond / 1e9:0.00}",
                $"{100 * r.SpikeRate:0.00}%", $"{r.PeakMemoryBytes >> 20}",
                reference is null ? "–" : $"{reference.Cpu:0}", reference is null ? "–" : $"{r.ImageStepsPerCpuSecond / reference.Cpu:0.00}×",
                reference is null ? "–" : $"{r.ImageStepsPerSecond / reference.Wall:0.00}×", $"{r.Result.AccuracyAt(r.Steps):0.00}%",
                reference is null ? "–" : $"{100.0 * reference.CorrectPerStep[^1] / r.Images:0.00}%",
                reference is null ? "–" : $"{CurveDifference(r.Result.CorrectPerStep, reference.CorrectPerStep)}",
                reference is null ? "–" : $"{reference.PeakMemoryBytes >> 20}", load);
        }
        AnsiConsole.Write(table);
        var first = rows[0].Row;
        var layers = new Table().Title($"Spike rate per layer (spikes per neuron per step, T = {first.Steps})");
        layers.AddColumn("layer").AddColumn(new TableColumn("rate").RightAligned());
        foreach (var (layer, rate) in first.SpikeRatePerLayer()) layers.AddRow(Markup.Escape(layer), $"{rate:0.0000}");
        AnsiConsole.Write(layers);
    }

    static void Write(string path, BenchModelRequest request, ModelInfo info, ImageDataset images, InputCoding encoding, NeuronOptions neurons,
        int threads, Device device,
        IReadOnlyList<(ModelBenchmarkRow Row, ReferenceRun? Reference, string Load)> rows)
    {
        var json = new Dictionary<string, object?>
        {
            ["model"] = Path.GetFullPath(request.ModelPath), ["converted"] = Path.GetFullPath(request.ConvertedPath), ["arch"] = info.Spec.Arch,
            ["images"] = images.Name, ["imageCount"] = images.Count, ["encoding"] = encoding.ToString(), ["reset"] = request.Reset.ToString(),
            ["neuron"] = neurons.Kind,
            ["engine"] = request.Engine.ToString().ToLowerInvariant(), ["threads"] = threads, ["device"] = device.ToString(),
            ["rows"] = rows.Select(r => new
            {
                r.Row.Batch, r.Row.Steps, r.Row.Images, r.Row.Seconds, r.Row.CpuSeconds, r.Row.ImageStepsPerSecond, r.Row.ImageStepsPerCpuSecond,
                r.Row.SopsPerSecond, r.Row.PeakMemoryBytes, CorrectPerStep = r.Row.Result.CorrectPerStep,
                SpikeRatePerLayer = r.Row.SpikeRatePerLayer(),
                PyTorch = r.Reference is null ? null : new
                {
                    ImageStepsPerSecond = r.Reference.Wall, ImageStepsPerCpuSecond = r.Reference.Cpu, r.Reference.CorrectPerStep,
                    SpikeRatePerLayer = r.Row.SpikeRatePerLayer(r.Reference.Spikes),
                    r.Reference.PeakMemoryBytes,
                },
                CpuRatioToPyTorch = r.Reference is null ? (double?)null : r.Row.ImageStepsPerCpuSecond / r.Reference.Cpu,
                RatioToPyTorch = r.Reference is null ? (double?)null : r.Row.ImageStepsPerSecond / r.Reference.Wall,
                MaxCurveDifference = r.Reference is null ? (long?)null : CurveDifference(r.Row.Result.CorrectPerStep, r.Reference.CorrectPerStep),
                LoadAverage = r.Load,
            }).ToArray(),
        };
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        AnsiConsole.MarkupLine($"Wrote [green]{Markup.Escape(path)}[/]");
    }
}
