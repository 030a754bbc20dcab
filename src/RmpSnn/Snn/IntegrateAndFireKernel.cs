using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// The <see cref="IfNeuron"/> update fused into one pass over float32 CPU memory. For each block of neurons it runs every
/// step of the chunk: integrate, compare, write the amplitude-V_th spike, reset, and count the spikes. The LibTorch
/// loop reads and writes the membrane four to six times per step; this kernel does it once, with the block kept in
/// cache across steps. It performs the same float operations in the same order, so the results are bit-identical
/// (tested against <see cref="SimulationEngine.Reference"/>).
/// </summary>
internal static class IntegrateAndFireKernel
{
    const int Block = 4096;                       // neurons per work item: 16 KB of membrane, stays in L1/L2 across steps
    const long MaxSpan = int.MaxValue / sizeof(float);

    /// <summary>True when <paramref name="currents"/> can be processed here: float32 on the CPU, small enough for a span.</summary>
    public static bool Supports(Tensor currents) =>
        currents.device_type == DeviceType.CPU && currents.dtype == ScalarType.Float32 && currents.numel() <= MaxSpan;

    /// <summary>
    /// Runs <paramref name="steps"/> steps. <paramref name="currents"/> and <paramref name="spikes"/> are contiguous
    /// <c>[steps, n]</c>, <paramref name="potential"/> contiguous <c>[n]</c> (updated in place). Spikes are written as
    /// V_th or 0. Returns the number of spikes of each step.
    /// </summary>
    public static long[] Run(Tensor currents, Tensor potential, Tensor spikes, int steps, float threshold, ResetMode reset, float resetTo)
    {
        int n = (int)potential.numel();
        var counts = new long[steps];
        int blocks = (n + Block - 1) / Block;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = (long)n * steps < 4 * Block ? 1 : Math.Max(1, get_num_threads()) };
        Parallel.For(0, blocks, parallel, () => new long[steps], (block, _, local) =>
        {
            int start = block * Block, length = Math.Min(Block, n - start);
            var v = Floats(potential).Slice(start, length);
            var input = Floats(currents);
            var output = Floats(spikes);
            for (int t = 0; t < steps; t++)
                local[t] += Step(v, input.Slice(t * n + start, length), output.Slice(t * n + start, length), threshold, reset, resetTo);
            return local;
        }, local =>
        {
            lock (counts) for (int t = 0; t < steps; t++) counts[t] += local[t];
        });
        return counts;
    }

    /// <summary>One step of one block; returns its spike count.</summary>
    static long Step(Span<float> v, ReadOnlySpan<float> current, Span<float> spike, float threshold, ResetMode reset, float resetTo)
    {
        int width = Vector<float>.Count, i = 0;
        var vth = new Vector<float>(threshold);
        var vreset = new Vector<float>(resetTo);
        var fired = Vector<int>.Zero;
        bool soft = reset == ResetMode.Soft;
        for (; i <= v.Length - width; i += width)
        {
            var potential = new Vector<float>(v.Slice(i)) + new Vector<float>(current.Slice(i));
            var mask = Vector.GreaterThanOrEqual(potential, vth);
            var amplitude = Vector.ConditionalSelect(mask, vth, Vector<float>.Zero);
            amplitude.CopyTo(spike.Slice(i));
            (soft ? potential - amplitude : Vector.ConditionalSelect(mask, vreset, potential)).CopyTo(v.Slice(i));
            fired -= mask;
        }
        long count = Vector.Sum(fired);
        for (; i < v.Length; i++)
        {
            float potential = v[i] + current[i];
            bool fires = potential >= threshold;
            spike[i] = fires ? threshold : 0f;
            v[i] = !fires ? potential : soft ? potential - threshold : resetTo;
            if (fires) count++;
        }
        return count;
    }

    /// <summary>A contiguous float32 CPU tensor's elements.</summary>
    internal static Span<float> Floats(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);
}
