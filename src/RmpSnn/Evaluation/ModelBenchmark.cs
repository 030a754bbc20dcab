using System.Diagnostics;
using RmpSnn.Data;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Evaluation;

/// <summary>One measured simulation of a real converted network on real images.</summary>
/// <param name="Batch">Images simulated together.</param>
/// <param name="Steps">Time-steps T.</param>
/// <param name="Images">Images simulated.</param>
/// <param name="Seconds">Wall time of the simulation.</param>
/// <param name="CpuSeconds">Processor time of the process meanwhile (user + system, all threads).</param>
/// <param name="Result">The simulation's result: correct images per step, spikes and synaptic operations per layer.</param>
/// <param name="PeakMemoryBytes">Peak resident memory during the run.</param>
public sealed record ModelBenchmarkRow(int Batch, int Steps, int Images, double Seconds, double CpuSeconds, SimulationResult Result, long PeakMemoryBytes)
{
    /// <summary>Images × steps per second of wall time.</summary>
    public double ImageStepsPerSecond => (double)Images * Steps / Seconds;

    /// <summary>Images × steps per second of process CPU time (robust to other jobs on a shared machine).</summary>
    public double ImageStepsPerCpuSecond => (double)Images * Steps / CpuSeconds;

    /// <summary>Spikes per neuron per step over all IF layers.</summary>
    public double SpikeRate => Result.Recorder!.Spikes.Sum(s => s.Sum()) / (Result.NeuronLayers.Sum(l => l.Size) * Images * Steps);

    /// <summary>Spikes per neuron per step of each IF layer, from total spike counts by layer name (this run's or another's).</summary>
    public IReadOnlyDictionary<string, double> SpikeRatePerLayer(IReadOnlyDictionary<string, double> spikes) =>
        spikes.ToDictionary(p => p.Key, p => p.Value / (Result.NeuronLayers.First(l => l.Name == p.Key).Size * Images * Steps));

    /// <summary>This run's spike rate of each IF layer.</summary>
    public IReadOnlyDictionary<string, double> SpikeRatePerLayer() =>
        SpikeRatePerLayer(Result.NeuronLayers.Select((l, i) => (l.Name, Total: Result.Recorder!.Spikes[i].Sum())).ToDictionary(p => p.Name, p => p.Total));

    /// <summary>Synaptic operations per second of wall time (input events × fan-out).</summary>
    public double SopsPerSecond => Result.SynapticOpsPerSample(Steps).Sum() * Images / Seconds;
}

/// <summary>
/// Throughput of a converted network with its own thresholds and input coding on real images: the simulation of
/// <c>rmpsnn simulate</c>, timed after a one-step warm-up, with its accuracy curve and per-layer activity kept so that a
/// reference implementation's run on the same images can be checked against it.
/// </summary>
public static class ModelBenchmark
{
    /// <summary>Simulates <paramref name="images"/> with <paramref name="snn"/> and measures it.</summary>
    public static ModelBenchmarkRow Measure(SpikingNetwork snn, ImageDataset images, SimulationOptions options, ExecutionOptions execution,
        Device device, IProgress<SimulationProgress>? progress = null)
    {
        Simulator.Run([("warm-up", snn)], images.Take(execution.BatchSize), options with { Steps = 1 }, execution, device);
        PeakMemory.Reset();
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = Simulator.Run([("rmpsnn", snn)], images, options with { RecordStatistics = true }, execution, device, progress)[0];
        double seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return new ModelBenchmarkRow(result.Execution!.BatchSize, options.Steps, images.Count, seconds,
            (process.TotalProcessorTime - cpuBefore).TotalSeconds, result, PeakMemory.Bytes());
    }
}
