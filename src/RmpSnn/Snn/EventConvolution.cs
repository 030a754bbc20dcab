using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// Event-driven 2-D convolution on the CPU: instead of a dense GEMM over every input, each non-zero input value (a
/// spike, or a pooled spike count) adds value × its weight column to the outputs it reaches. The work is proportional
/// to the number of input events, so it beats the dense convolution when spikes are sparse (docs/PERFORMANCE.md).
/// Sums run in a different order than the dense kernel's, so results agree to float rounding, not bit for bit.
/// Supports any kernel size, stride and zero padding with dilation 1 and one group.
/// </summary>
public sealed class EventConvolution
{
    // [C_in, k_h, k_w, C_out] with the kernel columns reversed: for stride 1 the taps of one kernel row that an input
    // reaches land on consecutive output columns, so they are one contiguous multiply-add of length (taps × C_out).
    readonly float[] _weights;
    readonly int _inChannels, _outChannels, _kernelH, _kernelW, _strideH, _strideW, _padH, _padW;

    /// <summary>Copies a convolution's weights <c>[C_out, C_in, k_h, k_w]</c> into the event-major layout.</summary>
    public EventConvolution(Tensor weight, long[] stride, long[] padding)
    {
        if (weight.dim() != 4) throw new ArgumentException("expected a 4-D convolution weight", nameof(weight));
        _outChannels = (int)weight.shape[0];
        _inChannels = (int)weight.shape[1];
        _kernelH = (int)weight.shape[2];
        _kernelW = (int)weight.shape[3];
        (_strideH, _strideW) = ((int)stride[0], (int)stride[^1]);
        (_padH, _padW) = ((int)padding[0], (int)padding[^1]);
        using var rows = weight.detach().flip(3).permute(1, 2, 3, 0).to(float32, CPU).contiguous();
        _weights = rows.data<float>().ToArray();
    }

    /// <summary>True when a convolution with these settings can run event-driven.</summary>
    public static bool Supports(long[] dilation, long groups) => groups == 1 && dilation.All(d => d == 1);

    /// <summary>
    /// The input density (non-zero fraction) up to which scattering beats the dense kernel: measured on a 2-core EPYC with
    /// <c>ConvolutionEngineBenchmarks</c> (16 output channels: ~5 %, 64: ~20 %); wider layers amortise each event better.
    /// </summary>
    public double BreakEvenDensity => Math.Min(0.5, _outChannels / 320.0);

    /// <summary>
    /// Convolves <c>[N, C_in, H, W]</c> (float32, CPU) into <c>[N, C_out, H_out, W_out]</c>, without bias. When
    /// <paramref name="synapticOps"/> (length N) is given, it receives each sample's synaptic operations: input events ×
    /// the synapses each drives, counted while scattering.
    /// </summary>
    public Tensor Apply(Tensor input, double[]? synapticOps = null) =>
        TryApply(input, synapticOps, 1) ?? throw new ArgumentException("input or output larger than 2 GB: use the dense kernel", nameof(input));

    /// <summary>
    /// <see cref="Apply"/> if the input's density is at most <paramref name="maxDensity"/> (default
    /// <see cref="BreakEvenDensity"/>) and input and output fit a span (2 GB), else null: the caller should run the dense kernel.
    /// </summary>
    public Tensor? TryApply(Tensor input, double[]? synapticOps = null, double? maxDensity = null)
    {
        if (input.device_type != DeviceType.CPU || input.dtype != ScalarType.Float32 || input.dim() != 4 || input.shape[1] != _inChannels)
            throw new ArgumentException($"expected a float32 CPU input [N, {_inChannels}, H, W], got {input.dtype} {input.device} [{string.Join(", ", input.shape)}]");
        int n = (int)input.shape[0], h = (int)input.shape[2], w = (int)input.shape[3];
        int outH = (h + 2 * _padH - _kernelH) / _strideH + 1, outW = (w + 2 * _padW - _kernelW) / _strideW + 1;
        if (input.numel() > HostTensors.MaxElements || (long)n * _outChannels * outH * outW > HostTensors.MaxElements) return null;   // read and written through spans
        bool channelsLast = HostTensors.IsChannelsLast(input);
        using var memory = channelsLast ? input.permute(0, 2, 3, 1) : input.contiguous();   // contiguous NHWC or NCHW
        if (Density(HostTensors.Floats(memory)) > (maxDensity ?? BreakEvenDensity)) return null;
        using var pixels = channelsLast ? memory.alias() : memory.permute(0, 2, 3, 1).contiguous();   // NHWC
        using var output = empty(n, outH, outW, _outChannels, float32, CPU);
        var geometry = new Geometry(h, w, outH, outW, Rows(h, outH), Columns(w, outW));
        int inPerImage = _inChannels * h * w, outPerImage = outH * outW * _outChannels;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, get_num_threads()) };
        Parallel.For(0, n, parallel, image =>
        {
            var inputs = HostTensors.Floats(pixels).Slice(image * inPerImage, inPerImage);
            var accumulator = HostTensors.Floats(output).Slice(image * outPerImage, outPerImage);
            accumulator.Clear();
            long operations = Convolve(inputs, accumulator, geometry);
            if (synapticOps is not null) synapticOps[image] = operations;
        });
        return output.permute(0, 3, 1, 2);
    }

    /// <summary>A run of <see cref="Count"/> kernel taps (reversed-column index <see cref="Tap"/> on) landing on consecutive outputs from <see cref="Output"/>.</summary>
    readonly record struct Run(int Tap, int Output, int Count);

    /// <summary>Input and output sizes, and for every input row (column) the runs of kernel taps that land on output rows (columns).</summary>
    readonly record struct Geometry(int H, int W, int OutH, int OutW, Run[][] RowRuns, Run[][] ColumnRuns);

    /// <summary>Kernel rows per input row: each tap its own run (rows are not contiguous in the accumulator).</summary>
    Run[][] Rows(int size, int outSize) =>
        Enumerable.Range(0, size).Select(y => Enumerable.Range(0, _kernelH)
            .Select(k => (Tap: k, Shifted: y + _padH - k))
            .Where(t => t.Shifted >= 0 && t.Shifted % _strideH == 0 && t.Shifted / _strideH < outSize)
            .Select(t => new Run(t.Tap, t.Shifted / _strideH, 1)).ToArray()).ToArray();

    /// <summary>Kernel columns per input column, in the reversed-column layout: one run for stride 1, single taps otherwise.</summary>
    Run[][] Columns(int size, int outSize)
    {
        var runs = new Run[size][];
        for (int x = 0; x < size; x++)
        {
            // reversed tap j = k_w − 1 − kx reaches output column (x + pad − k_w + 1 + j) / stride
            var taps = Enumerable.Range(0, _kernelW)
                .Select(j => (Tap: j, Shifted: x + _padW - _kernelW + 1 + j))
                .Where(t => t.Shifted >= 0 && t.Shifted % _strideW == 0 && t.Shifted / _strideW < outSize)
                .Select(t => new Run(t.Tap, t.Shifted / _strideW, 1)).ToArray();
            runs[x] = _strideW == 1 && taps.Length > 0 ? [new Run(taps[0].Tap, taps[0].Output, taps.Length)] : taps;
        }
        return runs;
    }

    /// <summary>
    /// Adds one NHWC image's events into <paramref name="accumulator"/> <c>[H_out·W_out, C_out]</c>; returns the synaptic
    /// operations. The events of one pixel reach the same outputs, so each output segment is loaded and stored once per
    /// pixel while all of that pixel's events are multiplied into it in registers.
    /// </summary>
    long Convolve(ReadOnlySpan<float> inputs, Span<float> accumulator, Geometry g)
    {
        int width = Vector<float>.Count, rowLength = _kernelW * _outChannels;
        Span<int> offsets = _inChannels <= 1024 ? stackalloc int[_inChannels] : new int[_inChannels];
        Span<float> values = _inChannels <= 1024 ? stackalloc float[_inChannels] : new float[_inChannels];
        ref float target = ref MemoryMarshal.GetReference(accumulator);
        long operations = 0;
        for (int y = 0; y < g.H; y++)
            for (int x = 0; x < g.W; x++)
            {
                var pixel = inputs.Slice((y * g.W + x) * _inChannels, _inChannels);
                int events = 0;
                for (int start = 0; start < _inChannels; start += width)
                {
                    // skip a whole vector of silent channels at once
                    if (start + width <= _inChannels && Vector.EqualsAll(new Vector<float>(pixel.Slice(start)), Vector<float>.Zero)) continue;
                    for (int c = start, end = Math.Min(start + width, _inChannels); c < end; c++)
                        if (pixel[c] != 0f) (offsets[events], values[events++]) = (c * _kernelH * rowLength, pixel[c]);
                }
                if (events == 0) continue;
                var rowRuns = g.RowRuns[y];
                foreach (var column in g.ColumnRuns[x])
                {
                    int length = column.Count * _outChannels;
                    operations += (long)events * rowRuns.Length * length;
                    foreach (var kernelRow in rowRuns)
                        MultiplyAdd(ref Unsafe.Add(ref target, (kernelRow.Output * g.OutW + column.Output) * _outChannels), length,
                            kernelRow.Tap * rowLength + column.Tap * _outChannels, offsets[..events], values[..events]);
                }
            }
        return operations;
    }

    /// <summary>target[0..length) += Σ_e values[e] × weights[offsets[e] + tap + (0..length)], four vectors of target at a time in registers.</summary>
    void MultiplyAdd(ref float target, int length, int tap, ReadOnlySpan<int> offsets, ReadOnlySpan<float> values)
    {
        ref float weights = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_weights), tap);
        int width = Vector<float>.Count, i = 0;
        for (; i <= length - 4 * width; i += 4 * width)
        {
            ref float t = ref Unsafe.Add(ref target, i);
            var t0 = Vector.LoadUnsafe(ref t);
            var t1 = Vector.LoadUnsafe(ref t, (nuint)width);
            var t2 = Vector.LoadUnsafe(ref t, (nuint)(2 * width));
            var t3 = Vector.LoadUnsafe(ref t, (nuint)(3 * width));
            for (int e = 0; e < offsets.Length; e++)
            {
                ref float w = ref Unsafe.Add(ref weights, offsets[e] + i);
                var v = new Vector<float>(values[e]);
                t0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref w), v, t0);
                t1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref w, (nuint)width), v, t1);
                t2 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref w, (nuint)(2 * width)), v, t2);
                t3 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref w, (nuint)(3 * width)), v, t3);
            }
            Vector.StoreUnsafe(t0, ref t);
            Vector.StoreUnsafe(t1, ref t, (nuint)width);
            Vector.StoreUnsafe(t2, ref t, (nuint)(2 * width));
            Vector.StoreUnsafe(t3, ref t, (nuint)(3 * width));
        }
        for (; i <= length - width; i += width)
        {
            ref float t = ref Unsafe.Add(ref target, i);
            var sum = Vector.LoadUnsafe(ref t);
            for (int e = 0; e < offsets.Length; e++)
                sum = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref Unsafe.Add(ref weights, offsets[e] + i)), new Vector<float>(values[e]), sum);
            Vector.StoreUnsafe(sum, ref t);
        }
        for (; i < length; i++)
        {
            float sum = Unsafe.Add(ref target, i);
            for (int e = 0; e < offsets.Length; e++) sum += values[e] * Unsafe.Add(ref weights, offsets[e] + i);
            Unsafe.Add(ref target, i) = sum;
        }
    }

    /// <summary>Fraction of non-zero values (one compare and one subtract per vector, no branches).</summary>
    static double Density(ReadOnlySpan<float> values)
    {
        int width = Vector<float>.Count, i = 0;
        var zeros = Vector<int>.Zero;
        for (; i <= values.Length - width; i += width)
            zeros -= Vector.Equals(new Vector<float>(values.Slice(i)), Vector<float>.Zero);   // −1 in every zero lane
        long count = 0;
        for (int lane = 0; lane < width; lane++) count += zeros[lane];
        for (; i < values.Length; i++) if (values[i] == 0f) count++;
        return values.Length == 0 ? 0 : 1 - (double)count / values.Length;
    }
}
