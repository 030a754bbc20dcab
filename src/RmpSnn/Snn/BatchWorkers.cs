using RmpSnn.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// Runs work on contiguous parts of each batch at once, one thread per part, with single-threaded LibTorch operations
/// while it lives (LibTorch's own threads synchronise after every operation; the parts never do). The simulator and
/// the calibration loops use it with one network replica per worker (<see cref="SpikingNetwork.Replica"/>).
/// </summary>
internal sealed class BatchWorkers : IDisposable
{
    readonly int _libTorchThreads;
    readonly List<SpikingNetwork> _replicas = [];

    /// <summary>
    /// <paramref name="asked"/> workers, or (null) LibTorch's thread count on the CPU; at most
    /// <paramref name="batchSize"/>; always 1 on other devices.
    /// </summary>
    public BatchWorkers(Device device, int? asked, int batchSize)
    {
        Count = device.type == DeviceType.CPU ? Math.Max(1, Math.Min(asked ?? get_num_threads(), batchSize)) : 1;
        _libTorchThreads = get_num_threads();
        if (Count > 1) set_num_threads(1);
    }

    /// <summary>Parts each batch is split into.</summary>
    public int Count { get; }

    /// <summary>
    /// Calls <paramref name="work"/>(worker, part) for every part of <paramref name="batch"/> at once (the whole batch on
    /// this thread with one worker), each under <c>no_grad</c>; the first failure is rethrown as it was thrown.
    /// </summary>
    public void Run(Batch batch, Action<int, Batch> work)
    {
        if (Count == 1)
        {
            work(0, batch);
            return;
        }
        try
        {
            Parallel.For(0, Count, new ParallelOptions { MaxDegreeOfParallelism = Count }, w =>
            {
                int start = Start(w, batch.Size), end = Start(w + 1, batch.Size);
                if (end == start) return;
                using var noGrad = no_grad();   // grad mode is per thread
                using var part = new Batch(batch.Images.narrow(0, start, end - start), batch.Labels.narrow(0, start, end - start),
                    batch.Ids[start..end]);
                work(w, part);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>
    /// One network per worker: <paramref name="network"/> itself for worker 0, replicas (owned and disposed here) for the
    /// others, with its thresholds and corrections as they are now.
    /// </summary>
    public SpikingNetwork[] Replicas(SpikingNetwork network)
    {
        var replicas = Enumerable.Range(0, Count).Select(w => w == 0 ? network : network.Replica()).ToArray();
        _replicas.AddRange(replicas.Skip(1));
        return replicas;
    }

    /// <summary>Index in a batch of <paramref name="size"/> samples of the first sample of <paramref name="worker"/>'s part.</summary>
    public int Start(int worker, int size) => (int)((long)size * worker / Count);

    /// <summary>Disposes the replicas and restores LibTorch's thread count.</summary>
    public void Dispose()
    {
        foreach (var replica in _replicas) replica.Dispose();
        _replicas.Clear();
        if (Count > 1) set_num_threads(_libTorchThreads);
    }
}
