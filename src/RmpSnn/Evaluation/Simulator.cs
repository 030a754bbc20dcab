using RmpSnn.Snn;
using RmpSnn.Data;
using RmpSnn.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Evaluation;

/// <summary>Progress of a simulation: samples finished out of the total.</summary>
public readonly record struct SimulationProgress(int SamplesDone, int SamplesTotal);

/// <summary>
/// Runs spiking networks over a dataset for T steps and records the accuracy after every step plus per-layer spike
/// and synaptic-operation counts. Several networks (e.g. hard and soft reset) run side by side on identical input
/// spikes, seeded per image (<see cref="InputEncoder"/>), so the batch size and chunk length do not change any number.
/// Steps are processed in chunks of K (layer by layer within a chunk), so memory is bounded by K × batch;
/// with a memory budget both are first reduced to fit.
/// </summary>
public static class Simulator
{
    /// <summary>Simulates every network in <paramref name="networks"/> on <paramref name="data"/>.</summary>
    public static IReadOnlyList<SimulationResult> Run(IReadOnlyList<(string Label, SpikingNetwork Network)> networks,
        ImageDataset data, SimulationOptions options, ExecutionOptions execution, Device device,
        IProgress<SimulationProgress>? progress = null, CancellationToken cancel = default)
    {
        options.Validate();
        execution.Validate();
        if (networks.FirstOrDefault(n => n.Network.Engine != execution.Engine) is { Network: not null } other)
            throw new ArgumentException($"{other.Label} was compiled for the {other.Network.Engine} engine, the options ask for {execution.Engine}",
                nameof(networks));
        MemoryBudget.CheckSteps(networks.Select(n => n.Network).ToArray(), options.Steps, options.RecordStatistics);
        if (execution.MaxMemoryMegabytes is double budget) execution = MemoryBudget.Fit(networks.Select(n => n.Network).ToArray(), execution, budget);
        int steps = options.Steps;
        using var workers = new BatchWorkers(device, execution.Workers, execution.BatchSize);
        var copies = networks.Select(n => workers.Replicas(n.Network)).ToArray();
        var replicas = Enumerable.Range(0, workers.Count).Select(w => networks.Select((n, i) => (n.Label, copies[i][w])).ToArray()).ToArray();
        var correct = replicas.Select(_ => networks.Select(_ => new long[steps]).ToArray()).ToArray();
        var recorders = replicas.Select(_ => networks.Select(n => options.RecordStatistics
            ? new SpikeRecorder(n.Network.Neurons.Select(l => l.Name).ToArray(), n.Network.WeightedLayers.Select(l => l.Name).ToArray(), steps)
            : null).ToArray()).ToArray();
        var pixelsOnly = Normalization.Identity(data.Channels);
        using (no_grad())
        {
            int done = 0;
            foreach (var batch in data.Batches(execution.BatchSize, pixelsOnly, device))
            {
                using (batch)
                {
                    cancel.ThrowIfCancellationRequested();
                    workers.Run(batch, (w, part) => RunBatch(replicas[w], part, options, execution, correct[w], recorders[w]));
                    done += batch.Size;
                }
                TorchRuntime.ReleaseFreedMemory();
                progress?.Report(new SimulationProgress(done, data.Count));
            }
        }
        for (int w = 1; w < workers.Count; w++)
            for (int i = 0; i < networks.Count; i++)
            {
                for (int t = 0; t < steps; t++) correct[0][i][t] += correct[w][i][t];
                recorders[0][i]?.Add(recorders[w][i]!);
            }
        foreach (var recorder in recorders[0]) recorder?.Flush();
        return networks.Select((n, i) => new SimulationResult(n.Label, data.Count, correct[0][i],
            n.Network.Neurons.Select(l => new LayerInfo(l.Name, l.NeuronsPerSample)).ToArray(),
            n.Network.WeightedLayers.Select(l => new LayerInfo(l.Name, l.MacsPerSample)).ToArray(),
            recorders[0][i]) { Options = options, Execution = execution }).ToArray();
    }

    static void RunBatch(IReadOnlyList<(string Label, SpikingNetwork Network)> networks, Batch batch,
        SimulationOptions options, ExecutionOptions execution, long[][] correct, SpikeRecorder?[] recorders)
    {
        int b = batch.Size;
        var integrated = new Tensor?[networks.Count];
        foreach (var (_, network) in networks) network.ResetState();
        try
        {
            for (int first = 0; first < options.Steps; first += execution.ChunkSteps)
            {
                using var scope = NewDisposeScope();
                int k = Math.Min(execution.ChunkSteps, options.Steps - first);
                bool constant = options.Encoding == InputCoding.Direct && execution.CacheConstantInput;
                var frames = constant ? batch.Images : InputEncoder.Encode(options.Encoding, batch.Images, first, k, options.Seed, batch.Ids);
                for (int i = 0; i < networks.Count; i++)
                {
                    var context = new StepContext(k, b, first, recorders[i], constant);
                    var readout = networks[i].Network.Forward(frames, context).view(k, b, -1).cumsum(0);
                    if (integrated[i] is { } previous) readout.add_(previous.unsqueeze(0), HeldScalars.One);
                    var hits = readout.argmax(-1).eq(batch.Labels.unsqueeze(0)).sum(1, type: ScalarType.Int64).cpu();
                    var counts = hits.data<long>();
                    for (int t = 0; t < k; t++) correct[i][first + t] += counts[t];
                    integrated[i]?.Dispose();
                    integrated[i] = readout[-1].clone().DetachFromDisposeScope();
                }
            }
        }
        finally
        {
            foreach (var t in integrated) t?.Dispose();
            foreach (var (_, network) in networks) network.ResetState();
        }
    }
}
