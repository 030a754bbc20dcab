using System.Diagnostics;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Snn;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Evaluation;

/// <summary>One measured simulation: throughput, activity and memory of a random-weight CIFAR-shaped network.</summary>
/// <param name="Arch">Architecture (ModelZoo name).</param>
/// <param name="Batch">Images simulated together (after fitting a memory budget; the run always covers the requested batch of images).</param>
/// <param name="Steps">Time-steps T.</param>
/// <param name="ChunkSteps">Steps per chunk K actually used.</param>
/// <param name="Seconds">Wall time of the simulation.</param>
/// <param name="CpuSeconds">Processor time the process used meanwhile (user + system, all threads): robust to other jobs on a shared CPU.</param>
/// <param name="ImageStepsPerSecond">Images × steps / s.</param>
/// <param name="GflopsPerSecond">Dense-equivalent GFLOP/s: 2 × MACs × images × steps / s.</param>
/// <param name="SopsPerSecond">Synaptic operations (input events × fan-out) per second; null without statistics.</param>
/// <param name="SpikeRate">Spikes per neuron per step, over all neuron layers; null without statistics.</param>
/// <param name="PeakMemoryBytes">Peak resident memory during the run.</param>
/// <param name="PlainImagesPerSecond">The ANN forward alone on <c>K·B</c> images (the ceiling), images / s.</param>
/// <param name="PlainGflopsPerSecond">The ANN forward's GFLOP/s.</param>
public sealed record BenchmarkRow(string Arch, int Batch, int Steps, int ChunkSteps, double Seconds, double CpuSeconds, double ImageStepsPerSecond,
    double GflopsPerSecond, double? SopsPerSecond, double? SpikeRate, long PeakMemoryBytes, double PlainImagesPerSecond, double PlainGflopsPerSecond);

/// <summary>
/// Throughput benchmark of the simulation engine on CIFAR-shaped (3×32×32, 10 classes) networks with seeded random
/// weights, converted with act-max thresholds from random calibration images, soft reset, direct input by default.
/// </summary>
public static class SimulationBenchmark
{
    /// <summary>Input shape of every benchmark network.</summary>
    public static readonly ModelSpec Shape = new("", 3, 32, 10);

    /// <summary>
    /// Builds the random-weight ANN of <paramref name="arch"/> and its converted, balanced SNN, compiled for
    /// <paramref name="engine"/> on <paramref name="device"/>.
    /// </summary>
    public static (Network Ann, SpikingNetwork Snn) Build(string arch, NeuronOptions neurons, int seed, SimulationEngine engine, Device device)
    {
        var ann = ModelZoo.Create(Shape with { Arch = arch }, seed);
        ann.to(device);
        ann.eval();
        var identity = Normalization.Identity(Shape.InChannels);
        var snn = ConversionPipeline.Compile(ann, identity, new ConversionOptions(), neurons, engine, device);
        var calibration = RandomImages(64, seed);
        snn.SetThresholds(ThresholdBalancer.Balance(snn, ann, calibration, identity,
            new BalancingOptions(NormMode.ActMax, CalibrationImages: 64, Encoding: InputCoding.Direct), device));
        return (ann, snn);
    }

    /// <summary>Uniformly random images of the benchmark shape (labels 0).</summary>
    public static ImageDataset RandomImages(int count, int seed)
    {
        var pixels = new byte[count * Shape.InChannels * Shape.ImageSize * Shape.ImageSize];
        new Random(seed).NextBytes(pixels);
        return new ImageDataset("random", pixels, new int[count], Shape.InChannels, Shape.ImageSize, Shape.ImageSize, Shape.Classes);
    }

    /// <summary>Simulates <paramref name="execution"/>.BatchSize random images once (after a one-step warm-up) and measures it.</summary>
    public static BenchmarkRow Measure(string arch, Network ann, SpikingNetwork snn, SimulationOptions options, ExecutionOptions execution,
        Device device)
    {
        var images = RandomImages(execution.BatchSize, options.Seed + 1);
        Simulator.Run([("warm-up", snn)], images, options with { Steps = 1 }, execution, device);
        PeakMemory.Reset();
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = Simulator.Run([(arch, snn)], images, options, execution, device)[0];
        double seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        double cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        long peak = PeakMemory.Bytes();

        double macs = snn.WeightedLayers.Sum(l => l.MacsPerSample);
        double imageSteps = (double)execution.BatchSize * options.Steps;
        double? sops = result.Recorder is null ? null : result.SynapticOpsPerSample(options.Steps).Sum() * execution.BatchSize;
        double? spikes = result.Recorder?.Spikes.Sum(s => s.Sum());
        double neurons = snn.Neurons.Sum(n => (double)n.NeuronsPerSample);
        var used = result.Execution!;
        double plain = PlainImagesPerSecond(ann, used.BatchSize * Math.Min(used.ChunkSteps, options.Steps), seconds, device);
        return new BenchmarkRow(arch, used.BatchSize, options.Steps, Math.Min(used.ChunkSteps, options.Steps), seconds, cpuSeconds,
            imageSteps / seconds, 2 * macs * imageSteps / seconds / 1e9, sops / seconds, spikes / (neurons * imageSteps),
            peak, plain, 2 * macs * plain / 1e9);
    }

    /// <summary>
    /// Images per second of the ANN forward alone at batch <paramref name="batch"/>, timed for about
    /// <paramref name="budgetSeconds"/> (at least 3 passes).
    /// </summary>
    static double PlainImagesPerSecond(Network ann, int batch, double budgetSeconds, Device device)
    {
        using var noGrad = no_grad();
        using var input = rand(new long[] { batch, Shape.InChannels, Shape.ImageSize, Shape.ImageSize }, device: device);
        using (ann.call(input)) { }
        var clock = Stopwatch.StartNew();
        int passes = 0;
        do
        {
            using (ann.call(input)) { }
            passes++;
        } while (passes < 3 || clock.Elapsed.TotalSeconds < Math.Min(budgetSeconds, 5) / 4);
        return (double)batch * passes / clock.Elapsed.TotalSeconds;
    }
}
