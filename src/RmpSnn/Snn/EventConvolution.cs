using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// Event-driven 2-D convolution on the CPU: instead of a dense GEMM over every input, each non-zero input value (a
/// spike, or a pooled spike count) adds value × its weight column to the outputs it reaches. The work is proportional
/// to the number of input events, so it beats the dense convolution when spikes are sparse (docs/PERFORMANCE.md).
/// Binary spike maps denser than <see cref="PatternDensity"/> go to a table-lookup kernel whose cost does not depend on
/// the density (<see cref="SpikePatternConvolution"/>), where the layer's channel counts allow one; a signed spike map
/// (values 0 and ±a) sends its majority sign through the table and scatters the other. Sums run in a
/// different order than the dense kernel's, so results agree to float rounding, not bit for bit.
/// Supports any kernel size, stride and zero padding with dilation 1 and one group.
/// </summary>
public sealed class EventConvolution
{
    // [C_in, k_h, k_w, C_out] with the kernel columns reversed: for stride 1 the taps of one kernel row that an input
    // reaches land on consecutive output columns, so they are one contiguous multiply-add of length (taps × C_out).
    readonly float[] _weights;
    readonly float[]? _bias;
    readonly Lazy<SpikePatternConvolution?> _patterns;
    readonly int _inChannels, _outChannels, _kernelH, _kernelW, _strideH, _strideW, _padH, _padW;

    /// <summary>
    /// Copies a convolution's weights <c>[C_out, C_in, k_h, k_w]</c> into the event-major layout; a per-channel
    /// <paramref name="bias"/> <c>[C_out]</c> is added to every output as it is made (the scatter starts from it).
    /// </summary>
    public EventConvolution(Tensor weight, long[] stride, long[] padding, Tensor? bias = null)
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
        if (bias is not null)
        {
            if (bias.numel() != _outChannels) throw new ArgumentException($"expected a bias of {_outChannels} values", nameof(bias));
            using var values = bias.detach().to(float32, CPU).contiguous();
            _bias = values.data<float>().ToArray();
        }
        _patterns = new(() => _strideH == 1 && _strideW == 1 && SpikePatternConvolution.Supports(_inChannels, _outChannels, _kernelH, _kernelW)
            ? SpikePatternConvolution.Build(_weights, _inChannels, _outChannels, _kernelH, _kernelW) : null);
    }

    /// <summary>True when a convolution with these settings can run event-driven.</summary>
    public static bool Supports(long[] dilation, long groups) => groups == 1 && dilation.All(d => d == 1);

    /// <summary>
    /// The input density (non-zero fraction) up to which scattering beats the dense kernel: measured on a 2-core EPYC
    /// (docs/PERFORMANCE.md; batch 32, one thread): ~6 % for 16 output channels, ~12 % for 32, 18–21 % from 64 on;
    /// wider layers amortise each event better, up to the cost of the scatter's memory traffic. A stride s leaves the dense
    /// kernel 1/s² of the outputs but the scatter the same events, so the break-even shrinks by s².
    /// </summary>
    public double BreakEvenDensity => Math.Min(0.18, _outChannels / 300.0) / (_strideH * _strideW);

    /// <summary>
    /// The density above which binary spike maps (all non-zero inputs equal) go to the table-lookup kernel
    /// (<see cref="SpikePatternConvolution"/>) instead of the scatter, for stride-1 layers whose table fits: its cost does
    /// not grow with the density, the scatter's does. Measured: ~3 % for 16 → 16 channels, ~6 % for 32 → 32 (PERFORMANCE.md).
    /// </summary>
    public double PatternDensity => 0.03 * Math.Sqrt(_inChannels * _outChannels / 256.0);

    /// <summary>
    /// Convolves <c>[N, C_in, H, W]</c> (float32, CPU) into <c>[N, C_out, H_out, W_out]</c>, plus the bias if any. When
    /// <paramref name="synapticOps"/> (length N) is given, it receives each sample's synaptic operations: input events ×
    /// the synapses each drives, counted while scattering.
    /// </summary>
    public Tensor Apply(Tensor input, double[]? synapticOps = null) =>
        TryApply(input, synapticOps, 1) ?? throw new ArgumentException("input or output larger than 2 GB: use the dense kernel", nameof(input));

    /// <summary>
    /// <see cref="Apply"/> if the input is a binary or signed spike map denser than <see cref="PatternDensity"/> (for
    /// layers with a pattern table) or its density is at most <paramref name="maxDensity"/> (default <see cref="BreakEvenDensity"/>),
    /// and input and output fit a span (2 GB); else null: the caller should run the dense kernel.
    /// </summary>
    public Tensor? TryApply(Tensor input, double[]? synapticOps = null, double? maxDensity = null)
    {
        if (input.device_type != DeviceType.CPU || input.dtype != ScalarType.Float32 || input.dim() != 4 || input.shape[1] != _inChannels)
            throw new ArgumentException(
                $"expected a float32 CPU input [N, {_inChannels}, H, W], got {input.dtype} {input.device} [{string.Join(", ", input.shape)}]");
        int n = (int)input.shape[0], h = (int)input.shape[2], w = (int)input.shape[3];
        int outH = (h + 2 * _padH - _kernelH) / _strideH + 1, outW = (w + 2 * _padW - _kernelW) / _strideW + 1;
        if (input.numel() > HostTensors.MaxElements || (long)n * _outChannels * outH * outW > HostTensors.MaxElements)
            return null;   // read and written through spans
        bool channelsLast = HostTensors.IsChannelsLast(input);
        using var memory = channelsLast ? input.permute(0, 2, 3, 1) : input.contiguous();   // contiguous NHWC or NCHW
        var (nonZero, amplitude, opposite) = Scan(HostTensors.Floats(memory));
        double density = input.numel() == 0 ? 0 : (double)nonZero / input.numel();
        var patterns = amplitude != 0 && density > PatternDensity ? _patterns.Value : null;
        if (patterns is null && density > (maxDensity ?? BreakEvenDensity)) return null;
        using var pixels = channelsLast ? memory.alias() : memory.permute(0, 2, 3, 1).contiguous();   // NHWC
        using var output = empty(n, outH, outW, _outChannels, float32, CPU);
        var size = new ConvolutionGeometry(h, w, outH, outW, _strideH, _strideW, _padH, _padW);
        var geometry = new Geometry(size, Rows(h, outH), Columns(w, outW));
        int inPerImage = _inChannels * h * w, outPerImage = outH * outW * _outChannels;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, get_num_threads()) };
        Parallel.For(0, n, parallel, image =>
        {
            var inputs = HostTensors.Floats(pixels).Slice(image * inPerImage, inPerImage);
            var accumulator = HostTensors.Floats(output).Slice(image * outPerImage, outPerImage);
            long operations;
            if (patterns is not null)
            {
                operations = patterns.Convolve(inputs, accumulator, size, amplitude, geometry.RowTaps, geometry.ColumnTaps, _bias);
                if (opposite > 0) operations += Convolve(inputs, accumulator, geometry, only: -amplitude);   // signed spikes: the minority sign
            }
            else
            {
                if (_bias is null) accumulator.Clear();
                else for (int at = 0; at < accumulator.Length; at += _outChannels) _bias.CopyTo(accumulator.Slice(at, _outChannels));
                operations = Convolve(inputs, accumulator, geometry);
            }
            if (synapticOps is not null) synapticOps[image] = operations;
        });
        return output.permute(0, 3, 1, 2);
    }

    /// <summary>
    /// A run of <see cref="Count"/> kernel taps (reversed-column index <see cref="Tap"/> on) landing on consecutive
    /// outputs from <see cref="Output"/>.
    /// </summary>
    readonly record struct Run(int Tap, int Output, int Count);

    /// <summary>Input and output sizes, and for every input row (column) the runs of kernel taps that land on output rows (columns).</summary>
    readonly record struct Geometry(ConvolutionGeometry Size, Run[][] RowRuns, Run[][] ColumnRuns)
    {
        /// <summary>Kernel taps per input row that land on an output row.</summary>
        public int[] RowTaps { get; } = RowRuns.Select(runs => runs.Sum(r => r.Count)).ToArray();
        /// <summary>Kernel taps per input column that land on an output column.</summary>
        public int[] ColumnTaps { get; } = ColumnRuns.Select(runs => runs.Sum(r => r.Count)).ToArray();
    }

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
    /// pixel while all of that pixel's events are multiplied into it in registers. With <paramref name="only"/>, just the
    /// inputs equal to it are events (the other sign of a signed spike map, whose majority the pattern table took).
    /// </summary>
    long Convolve(ReadOnlySpan<float> inputs, Span<float> accumulator, Geometry g, float? only = null)
    {
        int rowLength = _kernelW * _outChannels;
        Span<int> offsets = _inChannels <= 1024 ? stackalloc int[_inChannels] : new int[_inChannels];
        Span<float> values = _inChannels <= 1024 ? stackalloc float[_inChannels] : new float[_inChannels];
        ref float target = ref MemoryMarshal.GetReference(accumulator);
        int outRow = g.Size.OutW * _outChannels;
        long operations = 0;
        for (int y = 0; y < g.Size.H; y++)
            for (int x = 0; x < g.Size.W; x++)
            {
                int events = Events(inputs.Slice((y * g.Size.W + x) * _inChannels, _inChannels), _kernelH * rowLength, offsets, values, only);
                if (events == 0) continue;
                var rowRuns = g.RowRuns[y];
                foreach (var column in g.ColumnRuns[x])
                {
                    int length = column.Count * _outChannels;
                    operations += (long)events * rowRuns.Length * length;
                    ref float columnTarget = ref Unsafe.Add(ref target, column.Output * _outChannels);
                    int columnTap = column.Tap * _outChannels;
                    if (rowRuns.Length == 3 && length <= MaxRowsLength && length % (3 * Vector<float>.Count) == 0)
                        MultiplyAddRows(ref Unsafe.Add(ref columnTarget, rowRuns[0].Output * outRow),
                            ref Unsafe.Add(ref columnTarget, rowRuns[1].Output * outRow),
                            ref Unsafe.Add(ref columnTarget, rowRuns[2].Output * outRow), length, rowRuns[0].Tap * rowLength + columnTap,
                            rowRuns[1].Tap * rowLength + columnTap, rowRuns[2].Tap * rowLength + columnTap, offsets[..events], values[..events]);
                    else
                        foreach (var kernelRow in rowRuns)
                            MultiplyAdd(ref Unsafe.Add(ref columnTarget, kernelRow.Output * outRow), length, kernelRow.Tap * rowLength + columnTap,
                                offsets[..events], values[..events]);
                }
            }
        return operations;
    }

    /// <summary>
    /// Collects a pixel's non-zero channels, or with <paramref name="only"/> those equal to it (<paramref name="offsets"/>:
    /// channel × <paramref name="stride"/>) and values; returns how many. Eight channels are tested per compare and only
    /// the set bits of its mask are visited.
    /// </summary>
    static int Events(ReadOnlySpan<float> pixel, int stride, Span<int> offsets, Span<float> values, float? only)
    {
        int events = 0, c = 0;
        for (; c <= pixel.Length - SpikePatternConvolution.GroupWidth; c += SpikePatternConvolution.GroupWidth)
        {
            var group = pixel.Slice(c);
            uint mask = only is float value ? SpikePatternConvolution.EqualMask(group, value) : SpikePatternConvolution.NonZeroMask(group);
            for (; mask != 0; mask &= mask - 1)
            {
                int channel = c + BitOperations.TrailingZeroCount(mask);
                (offsets[events], values[events++]) = (channel * stride, pixel[channel]);
            }
        }
        for (; c < pixel.Length; c++)
            if (only is float value ? pixel[c] == value : pixel[c] != 0f) (offsets[events], values[events++]) = (c * stride, pixel[c]);
        return events;
    }

    /// <summary>
    /// Longest kernel row (taps × C_out) for which <see cref="MultiplyAddRows"/> beats three <see cref="MultiplyAdd"/>
    /// calls: measured up to 128 channels, slower at 256 (docs/PERFORMANCE.md).
    /// </summary>
    const int MaxRowsLength = 3 * 128;

    /// <summary>
    /// <see cref="MultiplyAdd"/> for three kernel rows at once (targets <paramref name="t0"/>…<paramref name="t2"/>, weight
    /// taps <paramref name="tap0"/>…<paramref name="tap2"/>): three vectors of each row in registers, so one pass over
    /// the events covers nine vectors. Same operations in the same order as three MultiplyAdd calls.
    /// </summary>
    void MultiplyAddRows(ref float t0, ref float t1, ref float t2, int length, int tap0, int tap1, int tap2, ReadOnlySpan<int> offsets,
        ReadOnlySpan<float> values)
    {
        ref float weights = ref MemoryMarshal.GetArrayDataReference(_weights);
        int width = Vector<float>.Count;
        for (int i = 0; i < length; i += 3 * width)
        {
            nuint a = (nuint)i, b = (nuint)(i + width), c = (nuint)(i + 2 * width);
            Vector<float> s00 = Vector.LoadUnsafe(ref t0, a), s01 = Vector.LoadUnsafe(ref t0, b), s02 = Vector.LoadUnsafe(ref t0, c);
            Vector<float> s10 = Vector.LoadUnsafe(ref t1, a), s11 = Vector.LoadUnsafe(ref t1, b), s12 = Vector.LoadUnsafe(ref t1, c);
            Vector<float> s20 = Vector.LoadUnsafe(ref t2, a), s21 = Vector.LoadUnsafe(ref t2, b), s22 = Vector.LoadUnsafe(ref t2, c);
            for (int e = 0; e < offsets.Length; e++)
            {
                var v = new Vector<float>(values[e]);
                ref float w0 = ref Unsafe.Add(ref weights, offsets[e] + tap0);
                ref float w1 = ref Unsafe.Add(ref weights, offsets[e] + tap1);
                ref float w2 = ref Unsafe.Add(ref weights, offsets[e] + tap2);
                s00 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref w0, a), v, s00);
                s01 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref w0, b), v, s01);
                s02 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref w0, c), v, s02);
                s10 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref w1, a), v, s10);
                s11 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref w1, b), v, s11);
                s12 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref w1, c), v, s12);
                s20 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref w2, a), v, s20);
                s21 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref w2, b), v, s21);
                s22 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref w2, c), v, s22);
            }
            Vector.StoreUnsafe(s00, ref t0, a); Vector.StoreUnsafe(s01, ref t0, b); Vector.StoreUnsafe(s02, ref t0, c);
            Vector.StoreUnsafe(s10, ref t1, a); Vector.StoreUnsafe(s11, ref t1, b); Vector.StoreUnsafe(s12, ref t1, c);
            Vector.StoreUnsafe(s20, ref t2, a); Vector.StoreUnsafe(s21, ref t2, b); Vector.StoreUnsafe(s22, ref t2, c);
        }
    }

    /// <summary>
    /// target[0..length) += Σ_e values[e] × weights[offsets[e] + tap + (0..length)], four vectors of target at a time
    /// in registers.
    /// </summary>
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

    /// <summary>
    /// The number of non-zero values; when they all have one magnitude a (binary spikes, or signed spikes of ±a), the
    /// value of the majority sign (otherwise, or with no non-zero value, 0) and how many have the other sign. One pass of
    /// compares, no branches per element.
    /// </summary>
    static (long NonZero, float Amplitude, long Opposite) Scan(ReadOnlySpan<float> values)
    {
        int width = Vector<float>.Count, i = 0;
        int first = values.IndexOfAnyExcept(0f);
        if (first < 0) return (0, 0, 0);
        float a = values[first];
        Vector<float> amplitude = new(a), negated = new(-a);
        Vector<int> zeros = Vector<int>.Zero, opposites = Vector<int>.Zero, others = Vector<int>.Zero;
        for (; i <= values.Length - width; i += width)
        {
            var v = new Vector<float>(values.Slice(i));
            var zero = Vector.Equals(v, Vector<float>.Zero);
            var opposite = Vector.Equals(v, negated);
            zeros -= zero;                                               // −1 in every zero lane
            opposites -= opposite;
            others |= ~(zero | opposite | Vector.Equals(v, amplitude));
        }
        long zeroCount = 0, oppositeCount = 0;
        for (int lane = 0; lane < width; lane++) (zeroCount, oppositeCount) = (zeroCount + zeros[lane], oppositeCount + opposites[lane]);
        bool uniform = others == Vector<int>.Zero;
        for (; i < values.Length; i++)
            if (values[i] == 0f) zeroCount++;
            else if (values[i] == -a) oppositeCount++;
            else uniform &= values[i] == a;
        long nonZero = values.Length - zeroCount;
        if (!uniform) return (nonZero, 0, 0);
        return 2 * oppositeCount > nonZero ? (nonZero, -a, nonZero - oppositeCount) : (nonZero, a, oppositeCount);
    }
}
