using System.Numerics;
using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// The <see cref="IfLayer"/> update (<see cref="IntegrateAndFire"/>) fused into one pass over float32 CPU memory. For
/// each block of neurons it runs every step of the chunk: integrate, compare, write the amplitude-V_th spike, reset,
/// and count the spikes. The LibTorch loop reads and writes the membrane four to six times per step; this kernel does
/// it once, with the block kept in cache across steps. It performs the same float operations in the same order, so the
/// results are bit-identical (tested against <see cref="SimulationEngine.Reference"/>).
/// </summary>
internal static class IntegrateAndFireKernel
{
    const int Block = 4096;                       // neurons per work item: 16 KB of membrane, stays in L1/L2 across steps

    /// <summary>
    /// True when the kernel can run: float32 on the CPU, small enough for a span, and <paramref name="potential"/> dense
    /// (NCHW, channels last or any other order without gaps).
    /// </summary>
    public static bool Supports(Tensor currents, Tensor potential)
    {
        if (!HostTensors.IsFloat32OnCpu(currents) || potential.dtype != ScalarType.Float32) return false;
        using var ordered = InMemoryOrder(potential);
        return ordered.is_contiguous();
    }

    /// <summary>
    /// Runs <paramref name="steps"/> steps of currents <c>[steps, …]</c> on <paramref name="potential"/> (one step,
    /// updated in place); see <see cref="Supports"/>. A second current <paramref name="shortcut"/> of the same shape (a
    /// residual block's shortcut) is added to the first before integrating, <c>V += (I + I_s)</c>, in the same pass.
    /// <paramref name="shift"/>, one sample's neurons in the potential's memory order (see <see cref="SampleMap"/>), is a
    /// constant current added to every sample's first current each step: <c>V += ((I + shift) + I_s)</c>.
    /// Currents in another memory layout than the potential are copied into its layout first. With <paramref name="net"/>
    /// (the net spike counts, laid out like the potential) the neurons are signed; with <paramref name="maxBurst"/> Γ &gt; 1
    /// they are burst neurons. Returns the spikes (±V_th or 0; k·V_th for bursts; in the potential's layout) and the spikes
    /// of each step (either sign; a burst of k counts k).
    /// </summary>
    public static Tensor Run(Tensor currents, Tensor? shortcut, Tensor potential, Tensor? net, int steps, float threshold, int maxBurst,
        ResetMode reset, float resetTo, float[]? shift, out long[] counts)
    {
        int n = (int)potential.numel();
        using var matched = Matched(currents, potential);
        using var matchedShortcut = shortcut is null ? null : Matched(shortcut, potential);
        var spikes = empty_like(matched);
        var perStep = new long[steps];
        int blocks = (n + Block - 1) / Block;
        using var membrane = InMemoryOrder(potential);
        using var inputs = InMemoryOrder(matched);
        using var shortcuts = matchedShortcut is null ? null : InMemoryOrder(matchedShortcut);
        using var outputs = InMemoryOrder(spikes);
        using var nets = net is null ? null : InMemoryOrder(net);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = (long)n * steps < 4 * Block ? 1 : Math.Max(1, get_num_threads()) };
        Parallel.For(0, blocks, parallel, () => new long[steps], (block, _, local) =>
        {
            int start = block * Block, length = Math.Min(Block, n - start);
            var v = HostTensors.Floats(membrane).Slice(start, length);
            var input = HostTensors.Floats(inputs);
            var extra = shortcuts is null ? default : HostTensors.Floats(shortcuts);
            var output = HostTensors.Floats(outputs);
            var counters = nets is null ? default : HostTensors.Floats(nets).Slice(start, length);
            int period = shift?.Length ?? length;
            for (int t = 0; t < steps; t++)
                for (int from = start, end = start + length; from < end;)   // segments that do not cross a sample's end
                {
                    int offset = from % period, count = Math.Min(end - from, period - offset), at = t * n + from;
                    Span<float> segment = v.Slice(from - start, count), spike = output.Slice(at, count);
                    ReadOnlySpan<float> inputs = input.Slice(at, count), shortcut = extra.IsEmpty ? default : extra.Slice(at, count),
                        added = shift is null ? default : shift.AsSpan(offset, count);
                    local[t] += !counters.IsEmpty
                        ? SignedStep(segment, counters.Slice(from - start, count), inputs, shortcut, added, spike, threshold, reset, resetTo)
                        : maxBurst > 1 ? BurstStep(segment, inputs, shortcut, added, spike, threshold, maxBurst, reset, resetTo)
                        : Step(segment, inputs, shortcut, added, spike, threshold, reset, resetTo);
                    from += count;
                }
            return local;
        }, local =>
        {
            lock (perStep) for (int t = 0; t < steps; t++) perStep[t] += local[t];
        });
        counts = perStep;
        return spikes;
    }

    /// <summary>
    /// <paramref name="perChannel"/> (<c>[C]</c>) spread over one sample of <paramref name="potential"/> <c>[B, C, …]</c> in its
    /// memory order, for <see cref="Run"/>'s shift; null when the samples are not stored one after another.
    /// </summary>
    public static float[]? SampleMap(Tensor perChannel, Tensor potential)
    {
        long perSample = potential.numel() / potential.shape[0];
        if (potential.shape[0] > 1 && potential.stride(0) != perSample) return null;
        using var scope = NewDisposeScope();
        var shape = Enumerable.Repeat(1L, (int)potential.dim() - 1).ToArray();
        shape[0] = perChannel.shape[0];
        var sample = potential.narrow(0, 0, 1);
        var map = empty_strided(sample.shape, sample.stride(), ScalarType.Float32, CPU).copy_(perChannel.to(CPU).view(shape).expand_as(sample));
        return InMemoryOrder(map).contiguous().data<float>().ToArray();
    }

    /// <summary><paramref name="currents"/> itself when laid out like <paramref name="potential"/> per step, else a copy that is.</summary>
    static Tensor Matched(Tensor currents, Tensor potential) => SameLayout(currents, potential) ? currents.alias() : InLayoutOf(currents, potential);

    /// <summary>
    /// True when <paramref name="currents"/> <c>[steps, …]</c> holds its steps one after another, each laid out like
    /// <paramref name="potential"/>.
    /// </summary>
    static bool SameLayout(Tensor currents, Tensor potential)
    {
        if (currents.shape[0] > 1 && currents.stride(0) != potential.numel()) return false;
        long[] shape = potential.shape, strides = potential.stride(), stepStrides = currents.stride()[1..];
        for (int d = 0; d < shape.Length; d++)
            if (shape[d] > 1 && strides[d] != stepStrides[d]) return false;
        return true;
    }

    /// <summary>A copy of <paramref name="currents"/> with its steps one after another, each laid out like <paramref name="potential"/>.</summary>
    static Tensor InLayoutOf(Tensor currents, Tensor potential)
    {
        var copy = empty_strided(currents.shape, [potential.numel(), .. potential.stride()], ScalarType.Float32, currents.device);
        return copy.copy_(currents);
    }

    /// <summary>A view of <paramref name="tensor"/> with its dimensions sorted by decreasing stride: contiguous when the tensor is dense.</summary>
    static Tensor InMemoryOrder(Tensor tensor)
    {
        long[] strides = tensor.stride();
        return tensor.permute(Enumerable.Range(0, strides.Length).OrderByDescending(d => strides[d]).Select(d => (long)d).ToArray());
    }

    /// <summary>The membrane after integrating lanes i… of the current: <c>V + ((I + shift) + I_s)</c>, each term only if given.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector<float> Charged(Span<float> v, ReadOnlySpan<float> current, ReadOnlySpan<float> shortcut, ReadOnlySpan<float> shift, int i)
    {
        var input = new Vector<float>(current.Slice(i));
        if (!shift.IsEmpty) input += new Vector<float>(shift.Slice(i));
        if (!shortcut.IsEmpty) input += new Vector<float>(shortcut.Slice(i));
        return new Vector<float>(v.Slice(i)) + input;
    }

    /// <summary>Neuron i's input current, <c>(I + shift) + I_s</c>, each term only if given: the scalar tail of <see cref="Charged"/>.</summary>
    static float Input(ReadOnlySpan<float> current, ReadOnlySpan<float> shortcut, ReadOnlySpan<float> shift, int i)
    {
        float input = shift.IsEmpty ? current[i] : current[i] + shift[i];
        return shortcut.IsEmpty ? input : input + shortcut[i];
    }

    /// <summary>
    /// One step of one segment (<paramref name="shift"/> and <paramref name="shortcut"/> empty, or added to the current in
    /// that order); returns its spike count.
    /// </summary>
    static long Step(Span<float> v, ReadOnlySpan<float> current, ReadOnlySpan<float> shortcut, ReadOnlySpan<float> shift, Span<float> spike,
        float threshold, ResetMode reset, float resetTo)
    {
        int width = Vector<float>.Count, i = 0;
        var vth = new Vector<float>(threshold);
        var vreset = new Vector<float>(resetTo);
        var fired = Vector<int>.Zero;
        bool soft = reset == ResetMode.Soft;
        for (; i <= v.Length - width; i += width)
        {
            var potential = Charged(v, current, shortcut, shift, i);
            var mask = Vector.GreaterThanOrEqual(potential, vth);
            var amplitude = Vector.ConditionalSelect(mask, vth, Vector<float>.Zero);
            amplitude.CopyTo(spike.Slice(i));
            (soft ? potential - amplitude : Vector.ConditionalSelect(mask, vreset, potential)).CopyTo(v.Slice(i));
            fired -= mask;
        }
        long count = Vector.Sum(fired);
        for (; i < v.Length; i++)
        {
            bool fires = IntegrateAndFire.Step(ref v[i], Input(current, shortcut, shift, i), threshold, reset, resetTo);
            spike[i] = fires ? threshold : 0f;
            if (fires) count++;
        }
        return count;
    }

    /// <summary>
    /// <see cref="Step"/> for burst neurons of at most <paramref name="maxBurst"/> spikes: the same float operations as
    /// <see cref="IntegrateAndFire.BurstStep(ref float, float, float, int, ResetMode, float)"/>; returns the spikes (Σ k).
    /// </summary>
    static long BurstStep(Span<float> v, ReadOnlySpan<float> current, ReadOnlySpan<float> shortcut, ReadOnlySpan<float> shift, Span<float> spike,
        float threshold, int maxBurst, ResetMode reset, float resetTo)
    {
        bool soft = reset == ResetMode.Soft;
        int width = Vector<float>.Count, i = 0;
        var (vth, vreset, most) = (new Vector<float>(threshold), new Vector<float>(resetTo), new Vector<float>(maxBurst));
        var fired = Vector<int>.Zero;
        for (; i <= v.Length - width; i += width)
        {
            var potential = Charged(v, current, shortcut, shift, i);
            var fires = Vector.GreaterThanOrEqual(potential, vth);
            var spikes = Vector.ConditionalSelect(fires, Vector.Min(Vector.Max(Vector.Floor(potential / vth), Vector<float>.One), most), Vector<float>.Zero);
            var amplitude = spikes * vth;
            amplitude.CopyTo(spike.Slice(i));
            (soft ? potential - amplitude : Vector.ConditionalSelect(fires, vreset, potential)).CopyTo(v.Slice(i));
            fired += Vector.ConvertToInt32(spikes);
        }
        long count = Vector.Sum(fired);
        for (; i < v.Length; i++)
        {
            int spikes = IntegrateAndFire.BurstStep(ref v[i], Input(current, shortcut, shift, i), threshold, maxBurst, reset, resetTo);
            spike[i] = spikes * threshold;
            count += spikes;
        }
        return count;
    }

    /// <summary><see cref="Step"/> for signed neurons with net counts <paramref name="net"/>: the same float operations as the signed device loop.</summary>
    static long SignedStep(Span<float> v, Span<float> net, ReadOnlySpan<float> current, ReadOnlySpan<float> shortcut, ReadOnlySpan<float> shift,
        Span<float> spike, float threshold, ResetMode reset, float resetTo)
    {
        bool soft = reset == ResetMode.Soft;
        int width = Vector<float>.Count, i = 0;
        var (vth, minusVth, vreset) = (new Vector<float>(threshold), new Vector<float>(-threshold), new Vector<float>(resetTo));
        var fired = Vector<int>.Zero;
        for (; i <= v.Length - width; i += width)
        {
            var potential = Charged(v, current, shortcut, shift, i);
            var counts = new Vector<float>(net.Slice(i));
            var fires = Vector.GreaterThanOrEqual(potential, vth);
            var undoes = Vector.LessThan(potential, Vector<float>.Zero) & Vector.GreaterThan(counts, Vector<float>.Zero);
            Vector.ConditionalSelect(fires, vth, Vector.ConditionalSelect(undoes, minusVth, Vector<float>.Zero)).CopyTo(spike.Slice(i));
            var afterFiring = soft ? potential - vth : vreset;
            Vector.ConditionalSelect(fires, afterFiring, Vector.ConditionalSelect(undoes, potential + vth, potential)).CopyTo(v.Slice(i));
            (counts + Vector.ConditionalSelect(fires, Vector<float>.One, Vector.ConditionalSelect(undoes, -Vector<float>.One, Vector<float>.Zero)))
                .CopyTo(net.Slice(i));
            fired -= fires | undoes;
        }
        long count = Vector.Sum(fired);
        for (; i < v.Length; i++)
        {
            int sign = IntegrateAndFire.SignedStep(ref v[i], ref net[i], Input(current, shortcut, shift, i), threshold, reset, resetTo);
            spike[i] = sign * threshold;
            if (sign != 0) count++;
        }
        return count;
    }
}
