using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RmpSnn.Snn;

/// <summary>
/// Convolution of binary spike maps (every non-zero input has the same amplitude a; other values are left to the caller)
/// by table lookup. At each pixel, a
/// group of 8 input channels can only be in one of 256 spike patterns, so the table holds, for every group, pattern and
/// kernel tap, the sum of those channels' weights. An output then sums one table row per (tap, group) of its receptive
/// field and multiplies by a: 9·C_in/8 row additions for a 3×3 kernel instead of 9·C_in multiply-adds, with no branch on
/// the spikes. The cost does not depend on the spike density, so it takes over from the event scatter at the densities
/// where that loses to the dense kernel (docs/PERFORMANCE.md). Sums run in another order than the dense kernel's, so
/// results agree to float rounding.
/// </summary>
internal sealed class SpikePatternConvolution
{
    /// <summary>Input channels per pattern group.</summary>
    public const int GroupWidth = 8;
    const int Patterns = 1 << GroupWidth, Chunk = 16;                    // output channels per pass: two 8-float vectors
    /// <summary>
    /// Largest table built (bytes): up to 32 → 32 channels (1.2 MB) the lookups stay in the caches; 64 → 64 (4.7 MB) ran
    /// slower than the scatter (PERFORMANCE.md). Wider layers keep the scatter or the dense kernel.
    /// </summary>
    const long MaxTableBytes = 5L << 18;

    readonly float[] _table;                                             // [group, pattern, k_h, k_w reversed, C_out]
    readonly float[] _noBias;                                            // zeros: what Gather adds for a layer without bias
    readonly int _groups, _outChannels, _kernelH, _kernelW, _entry;

    SpikePatternConvolution(float[] table, int inChannels, int outChannels, int kernelH, int kernelW)
    {
        _table = table;
        (_groups, _outChannels, _kernelH, _kernelW) = (inChannels / GroupWidth, outChannels, kernelH, kernelW);
        _entry = kernelH * kernelW * outChannels;
        _noBias = new float[outChannels];
    }

    /// <summary>
    /// True when a layer of these sizes has a table: channel counts that fill the groups and chunks, and a table of at
    /// most 1.25 MB.
    /// </summary>
    public static bool Supports(int inChannels, int outChannels, int kernelH, int kernelW) =>
        inChannels % GroupWidth == 0 && outChannels % Chunk == 0 && TableBytes(inChannels, outChannels, kernelH, kernelW) <= MaxTableBytes;

    static long TableBytes(int inChannels, int outChannels, int kernelH, int kernelW) =>
        (long)inChannels / GroupWidth * Patterns * kernelH * kernelW * outChannels * sizeof(float);

    /// <summary>
    /// Builds the table from weights laid out <c>[C_in, k_h, k_w reversed, C_out]</c>, as
    /// <see cref="EventConvolution"/> keeps them (see <see cref="Supports"/>).
    /// </summary>
    public static SpikePatternConvolution Build(ReadOnlySpan<float> weights, int inChannels, int outChannels, int kernelH, int kernelW)
    {
        int entry = kernelH * kernelW * outChannels, groups = inChannels / GroupWidth;
        var table = new float[(long)groups * Patterns * entry];
        for (int g = 0; g < groups; g++)
            for (int pattern = 1; pattern < Patterns; pattern++)
            {
                // pattern = (pattern without its lowest channel) + that channel: one addition per entry
                int lowest = BitOperations.TrailingZeroCount(pattern), rest = pattern & (pattern - 1);
                var sum = table.AsSpan((g * Patterns + pattern) * entry, entry);
                var prior = table.AsSpan((g * Patterns + rest) * entry, entry);
                var channel = weights.Slice((g * GroupWidth + lowest) * entry, entry);
                for (int i = 0; i < entry; i++) sum[i] = prior[i] + channel[i];
            }
        return new SpikePatternConvolution(table, inChannels, outChannels, kernelH, kernelW);
    }

    /// <summary>
    /// Convolves the inputs equal to <paramref name="amplitude"/> of one NHWC image <paramref name="pixels"/>
    /// <c>[H, W, C_in]</c> (all its non-zero values, for a binary spike map; other values count as 0) into
    /// <paramref name="output"/> <c>[H_out, W_out, C_out]</c> (overwritten). Returns the synaptic operations: Σ over
    /// those spikes of the outputs they reach, read from <paramref name="rowTaps"/> /
    /// <paramref name="columnTaps"/> (kernel taps landing inside the output per input row / column). A
    /// <paramref name="bias"/> <c>[C_out]</c> is added to every output.
    /// </summary>
    public long Convolve(ReadOnlySpan<float> pixels, Span<float> output, ConvolutionGeometry g, float amplitude,
        int[] rowTaps, int[] columnTaps, float[]? bias)
    {
        int pixelCount = g.H * g.W;
        var rows = ArrayPool<int>.Shared.Rent(pixelCount * _groups);
        try
        {
            long synapses = Index(pixels, rows, g, amplitude, rowTaps, columnTaps);
            Gather(rows, output, g, amplitude, bias ?? _noBias);
            return synapses * _outChannels;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rows);
        }
    }

    /// <summary>Bit c set where <paramref name="channels"/>[c] ≠ 0, for the first <see cref="GroupWidth"/> channels: one compare.</summary>
    public static uint NonZeroMask(ReadOnlySpan<float> channels) =>
        ~Vector256.ExtractMostSignificantBits(Vector256.Equals(Vector256.Create(channels), Vector256<float>.Zero)) & 0xFF;

    /// <summary>Bit c set where <paramref name="channels"/>[c] = <paramref name="value"/>, for the first <see cref="GroupWidth"/> channels.</summary>
    public static uint EqualMask(ReadOnlySpan<float> channels, float value) =>
        Vector256.ExtractMostSignificantBits(Vector256.Equals(Vector256.Create(channels), Vector256.Create(value)));

    /// <summary>
    /// Replaces each pixel's channel groups by the offset of their pattern's table rows (the channels equal to
    /// <paramref name="amplitude"/>); returns Σ spikes × taps reached.
    /// </summary>
    long Index(ReadOnlySpan<float> pixels, int[] rows, ConvolutionGeometry g, float amplitude, int[] rowTaps, int[] columnTaps)
    {
        long synapses = 0;
        int p = 0;
        for (int y = 0; y < g.H; y++)
            for (int x = 0; x < g.W; x++)
            {
                int spikes = 0;
                for (int group = 0; group < _groups; group++, p++)
                {
                    uint pattern = EqualMask(pixels.Slice(p * GroupWidth, GroupWidth), amplitude);
                    spikes += BitOperations.PopCount(pattern);
                    rows[p] = (group * Patterns + (int)pattern) * _entry;
                }
                synapses += (long)spikes * rowTaps[y] * columnTaps[x];
            }
        return synapses;
    }

    /// <summary>Every output: Σ over the taps inside the input and over the groups of the table rows, times the amplitude, plus the bias.</summary>
    void Gather(int[] rows, Span<float> output, ConvolutionGeometry g, float amplitude, float[] bias)
    {
        ref float biases = ref MemoryMarshal.GetArrayDataReference(bias);
        ref float table = ref MemoryMarshal.GetArrayDataReference(_table);
        ref int indices = ref MemoryMarshal.GetArrayDataReference(rows);
        ref float outputs = ref MemoryMarshal.GetReference(output);
        var scale = Vector256.Create(amplitude);
        int groups = _groups, rowStride = g.W * groups, tapStride = _outChannels, last = _kernelW - 1;
        for (int oy = 0; oy < g.OutH; oy++)
        {
            int top = oy * g.StrideH - g.PadH, ky0 = Math.Max(0, -top), ky1 = Math.Min(_kernelH, g.H - top);
            for (int ox = 0; ox < g.OutW; ox++)
            {
                int left = ox * g.StrideW - g.PadW, kx0 = Math.Max(0, -left), kx1 = Math.Min(_kernelW, g.W - left);
                bool threeWide = _kernelW == 3 && kx0 == 0 && kx1 == 3;
                ref float target = ref Unsafe.Add(ref outputs, (oy * g.OutW + ox) * _outChannels);
                for (int c = 0; c < _outChannels; c += Chunk)
                {
                    // three independent accumulator pairs (one per kernel column) shorten the addition chains
                    Vector256<float> a0 = default, a1 = default, b0 = default, b1 = default, d0 = default, d1 = default;
                    for (int ky = ky0; ky < ky1; ky++)
                    {
                        int row = (top + ky) * rowStride + left * groups;              // pattern index of kernel column 0 (may lie left of the image)
                        // reversed column j holds kernel column last − j
                        ref float taps = ref Unsafe.Add(ref table, ky * _kernelW * tapStride + c);
                        if (threeWide)
                        {
                            ref float t1 = ref Unsafe.Add(ref taps, tapStride);
                            ref float t0 = ref Unsafe.Add(ref taps, 2 * tapStride);
                            for (int group = 0; group < groups; group++)
                            {
                                ref float e0 = ref Unsafe.Add(ref t0, Unsafe.Add(ref indices, row + group));
                                ref float e1 = ref Unsafe.Add(ref t1, Unsafe.Add(ref indices, row + groups + group));
                                ref float e2 = ref Unsafe.Add(ref taps, Unsafe.Add(ref indices, row + 2 * groups + group));
                                a0 += Vector256.LoadUnsafe(ref e0); a1 += Vector256.LoadUnsafe(ref e0, 8);
                                b0 += Vector256.LoadUnsafe(ref e1); b1 += Vector256.LoadUnsafe(ref e1, 8);
                                d0 += Vector256.LoadUnsafe(ref e2); d1 += Vector256.LoadUnsafe(ref e2, 8);
                            }
                        }
                        else
                            for (int kx = kx0; kx < kx1; kx++)
                            {
                                ref float column = ref Unsafe.Add(ref taps, (last - kx) * tapStride);
                                for (int group = 0; group < groups; group++)
                                {
                                    ref float e = ref Unsafe.Add(ref column, Unsafe.Add(ref indices, row + kx * groups + group));
                                    a0 += Vector256.LoadUnsafe(ref e); a1 += Vector256.LoadUnsafe(ref e, 8);
                                }
                            }
                    }
                    ((a0 + b0 + d0) * scale + Vector256.LoadUnsafe(ref biases, (nuint)c)).StoreUnsafe(ref target, (nuint)c);
                    ((a1 + b1 + d1) * scale + Vector256.LoadUnsafe(ref biases, (nuint)(c + 8))).StoreUnsafe(ref target, (nuint)(c + 8));
                }
            }
        }
    }
}
