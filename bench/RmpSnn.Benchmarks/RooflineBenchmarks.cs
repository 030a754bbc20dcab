using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace RmpSnn.Benchmarks;

/// <summary>
/// This core's ceilings for the event path's roofline (one thread): fused multiply-add throughput with 8 independent
/// 256-bit accumulator chains (Fma.MultiplyAdd, 8 floats each), and streaming memory bandwidth, reading and
/// read-modify-writing arrays far larger than the caches. Each benchmark does <see cref="Operations"/> FMAs or touches
/// <see cref="StreamBytes"/> bytes, so GFMA/s = Operations / mean and GB/s = bytes / mean. An event SOP is one FMA on an
/// output value (plus its load and store), so the FMA ceiling in FMAs/s is the compute ceiling in SOPs/s.
/// </summary>
public class RooflineBenchmarks
{
    /// <summary>FMAs per <see cref="FusedMultiplyAdd"/> call: 2^24 iterations × 8 chains × 8 lanes.</summary>
    public const long Operations = (1L << 24) * 8 * 8;
    /// <summary>Bytes read by <see cref="StreamRead"/>: 256 MB of floats.</summary>
    public const long StreamBytes = 256L << 20;

    float[] _big = null!, _other = null!;

    [GlobalSetup]
    public void Setup()
    {
        _big = new float[StreamBytes / sizeof(float)];
        _other = new float[StreamBytes / sizeof(float)];
        Array.Fill(_big, 0.5f);
        Array.Fill(_other, 0.25f);
    }

    /// <summary>Independent FMA chains, enough to cover the FMA latency on two ports.</summary>
    [Benchmark]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public float FusedMultiplyAdd()
    {
        if (!Fma.IsSupported) throw new PlatformNotSupportedException("no FMA on this CPU");
        var a = Vector256.Create(0.999f);
        var b = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int i = 0; i < 1 << 24; i++)
        {
            c0 = Fma.MultiplyAdd(c0, a, b); c1 = Fma.MultiplyAdd(c1, a, b); c2 = Fma.MultiplyAdd(c2, a, b); c3 = Fma.MultiplyAdd(c3, a, b);
            c4 = Fma.MultiplyAdd(c4, a, b); c5 = Fma.MultiplyAdd(c5, a, b); c6 = Fma.MultiplyAdd(c6, a, b); c7 = Fma.MultiplyAdd(c7, a, b);
        }
        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7);
    }

    /// <summary>Reads 256 MB once (a sum over four accumulators, so add latency does not bound it): the load-bandwidth ceiling.</summary>
    [Benchmark]
    public float StreamRead()
    {
        Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        var data = _big.AsSpan();
        for (int i = 0; i + 32 <= data.Length; i += 32)
        {
            s0 += Vector256.Create(data.Slice(i, 8));
            s1 += Vector256.Create(data.Slice(i + 8, 8));
            s2 += Vector256.Create(data.Slice(i + 16, 8));
            s3 += Vector256.Create(data.Slice(i + 24, 8));
        }
        return Vector256.Sum(s0 + s1 + s2 + s3);
    }

    /// <summary>y += a·x over 256 MB each (reads 512 MB, writes 256 MB), the shape of an output-bound scatter.</summary>
    [Benchmark]
    public void StreamAxpy()
    {
        var x = _big.AsSpan();
        var y = _other.AsSpan();
        var a = Vector256.Create(0.5f);
        for (int i = 0; i + 8 <= x.Length; i += 8)
            Fma.MultiplyAdd(a, Vector256.Create(x.Slice(i, 8)), Vector256.Create(y.Slice(i, 8))).CopyTo(y.Slice(i, 8));
    }
}
