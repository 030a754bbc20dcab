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
    readonly float[] _weights;   // [C_in, k_h, k_w, C_out]: one input event reads k_h·k_w contiguous C_out rows
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
        using var rows = weight.detach().permute(1, 2, 3, 0).to(float32, CPU).contiguous();
        _weights = rows.data<float>().ToArray();
    }

    /// <summary>True when a convolution with these settings can run event-driven.</summary>
    public static bool Supports(long[] dilation, long groups) => groups == 1 && dilation.All(d => d == 1);

    /// <summary>
    /// Convolves <c>[N, C_in, H, W]</c> (float32, CPU) into <c>[N, C_out, H_out, W_out]</c>, without bias. When
    /// <paramref name="synapticOps"/> (length N) is given, it receives each sample's synaptic operations: input events ×
    /// the synapses each drives, counted while scattering.
    /// </summary>
    public Tensor Apply(Tensor input, double[]? synapticOps = null)
    {
        if (input.device_type != DeviceType.CPU || input.dtype != ScalarType.Float32 || input.dim() != 4 || input.shape[1] != _inChannels)
            throw new ArgumentException($"expected a float32 CPU input [N, {_inChannels}, H, W], got {input.dtype} {input.device} [{string.Join(", ", input.shape)}]");
        using var x = input.contiguous();
        int n = (int)x.shape[0], h = (int)x.shape[2], w = (int)x.shape[3];
        int outH = (h + 2 * _padH - _kernelH) / _strideH + 1, outW = (w + 2 * _padW - _kernelW) / _strideW + 1;
        var output = empty(n, _outChannels, outH, outW, float32, CPU);
        var geometry = new Geometry(h, w, outH, outW, Taps(h, _kernelH, _strideH, _padH, outH), Taps(w, _kernelW, _strideW, _padW, outW));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, get_num_threads()) };
        Parallel.For(0, n, parallel, () => new float[outH * outW * _outChannels], (image, _, scratch) =>
        {
            var inputs = MemoryMarshal.Cast<byte, float>(x.bytes).Slice(image * _inChannels * h * w, _inChannels * h * w);
            var outputs = MemoryMarshal.Cast<byte, float>(output.bytes).Slice(image * _outChannels * outH * outW, _outChannels * outH * outW);
            long operations = Convolve(inputs, scratch, geometry);
            if (synapticOps is not null) synapticOps[image] = operations;
            Transpose(scratch, outputs, outH * outW);
            return scratch;
        }, _ => { });
        return output;
    }

    /// <summary>Input and output sizes, and for every input row (column) the kernel taps that land on an output row (column).</summary>
    readonly record struct Geometry(int H, int W, int OutH, int OutW, (int Tap, int Output)[][] RowTaps, (int Tap, int Output)[][] ColumnTaps);

    /// <summary>Scatters one image's events into <paramref name="accumulator"/> <c>[H_out·W_out, C_out]</c>; returns the synaptic operations.</summary>
    long Convolve(ReadOnlySpan<float> inputs, Span<float> accumulator, Geometry g)
    {
        accumulator.Clear();
        int width = Vector<float>.Count, taps = _kernelH * _kernelW;
        ref float weights = ref MemoryMarshal.GetArrayDataReference(_weights);
        ref float target = ref MemoryMarshal.GetReference(accumulator);
        long operations = 0;
        for (int c = 0; c < _inChannels; c++)
        {
            ref float channelWeights = ref Unsafe.Add(ref weights, c * taps * _outChannels);
            for (int y = 0; y < g.H; y++)
            {
                var row = inputs.Slice((c * g.H + y) * g.W, g.W);
                for (int start = 0; start < g.W; start += width)
                {
                    // skip a whole vector of silent inputs at once
                    if (start + width <= g.W && Vector.EqualsAll(new Vector<float>(row.Slice(start)), Vector<float>.Zero)) continue;
                    for (int x = start, end = Math.Min(start + width, g.W); x < end; x++)
                    {
                        float value = row[x];
                        if (value == 0f) continue;
                        operations += (long)g.RowTaps[y].Length * g.ColumnTaps[x].Length * _outChannels;
                        foreach (var (ky, outY) in g.RowTaps[y])
                            foreach (var (kx, outX) in g.ColumnTaps[x])
                                Axpy(value, ref Unsafe.Add(ref channelWeights, (ky * _kernelW + kx) * _outChannels),
                                    ref Unsafe.Add(ref target, (outY * g.OutW + outX) * _outChannels), _outChannels);
                    }
                }
            }
        }
        return operations;
    }

    /// <summary>For each input coordinate: the (kernel offset, output coordinate) pairs it contributes to.</summary>
    static (int Tap, int Output)[][] Taps(int size, int kernel, int stride, int pad, int outSize)
    {
        var taps = new (int, int)[size][];
        for (int i = 0; i < size; i++)
        {
            var list = new List<(int, int)>(kernel);
            for (int k = 0; k < kernel; k++)
            {
                int shifted = i + pad - k;
                if (shifted >= 0 && shifted % stride == 0 && shifted / stride < outSize) list.Add((k, shifted / stride));
            }
            taps[i] = [.. list];
        }
        return taps;
    }

    /// <summary>target[0..length) += value × source[0..length).</summary>
    static void Axpy(float value, ref float source, ref float target, int length)
    {
        int i = 0, width = Vector<float>.Count;
        var scale = new Vector<float>(value);
        for (; i <= length - width; i += width)
            Vector.StoreUnsafe(Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref source, (nuint)i), scale, Vector.LoadUnsafe(ref target, (nuint)i)), ref target, (nuint)i);
        for (; i < length; i++) Unsafe.Add(ref target, i) += value * Unsafe.Add(ref source, i);
    }

    /// <summary>[positions, C_out] → [C_out, positions].</summary>
    void Transpose(ReadOnlySpan<float> accumulator, Span<float> outputs, int positions)
    {
        for (int p = 0; p < positions; p++)
        {
            var row = accumulator.Slice(p * _outChannels, _outChannels);
            for (int o = 0; o < _outChannels; o++) outputs[o * positions + p] = row[o];
        }
    }
}
