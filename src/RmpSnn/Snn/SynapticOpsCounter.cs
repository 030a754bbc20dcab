using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// Counts a weighted layer's synaptic operations: each non-zero input times the number of synapses it drives (its
/// fan-out, exact at borders and strides). The reference count is three LibTorch operations on any device; on the CPU a
/// single pass with integer fan-outs gives the same (exact) numbers without allocating.
/// </summary>
internal sealed class SynapticOpsCounter : IDisposable
{
    readonly Tensor _fanOut;
    readonly int[]? _hostFanOut, _channelsLastFanOut;

    /// <summary>
    /// Wraps the per-input fan-out <c>[N]</c> (float64, integer-valued) of inputs shaped <paramref name="sampleShape"/>
    /// (without the batch).
    /// </summary>
    public SynapticOpsCounter(Tensor fanOut, long[] sampleShape)
    {
        _fanOut = fanOut;
        using var cpu = fanOut.cpu();
        var values = cpu.data<double>().ToArray();
        // integer lane sums of one sample must not overflow: Σ fan-out ≤ int.MaxValue
        if (values.Sum() > int.MaxValue) return;
        _hostFanOut = Array.ConvertAll(values, v => (int)v);
        if (sampleShape.Length == 3)   // [C, H, W]: the same fan-outs in NHWC order, for channels-last inputs
        {
            using var nhwc = cpu.view(sampleShape).permute(1, 2, 0).contiguous();
            _channelsLastFanOut = Array.ConvertAll(nhwc.data<double>().ToArray(), v => (int)v);
        }
    }

    /// <summary>
    /// Per-step synaptic operations <c>[steps]</c> of a time-major input <c>[steps · batch, …]</c>, summed over the
    /// batch (LibTorch, any device).
    /// </summary>
    public Tensor PerStep(Tensor input, int steps, int batch)
    {
        using var scope = NewDisposeScope();
        var eventsPerInput = input.reshape(steps, batch, -1).ne(HeldScalars.Zero).sum(1, type: ScalarType.Float64);
        return eventsPerInput.matmul(_fanOut).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="PerStep"/> computed in one pass on the host, or null when the input is not a float32 CPU tensor
    /// (or too large for a span).
    /// </summary>
    public double[]? PerStepOnCpu(Tensor input, int steps, int batch)
    {
        if (_hostFanOut is null || !HostTensors.IsFloat32OnCpu(input)) return null;
        bool channelsLast = _channelsLastFanOut is not null && HostTensors.IsChannelsLast(input);
        using var x = channelsLast ? input.permute(0, 2, 3, 1) : input.contiguous();
        var fanOut = channelsLast ? _channelsLastFanOut! : _hostFanOut;
        int rows = steps * batch, n = fanOut.Length;
        var perRow = new long[rows];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = (long)rows * n < 1 << 16 ? 1 : Math.Max(1, get_num_threads()) };
        Parallel.For(0, rows, parallel, row => perRow[row] = Count(HostTensors.Floats(x).Slice(row * n, n), fanOut));
        var perStep = new double[steps];
        for (int row = 0; row < rows; row++) perStep[row / batch] += perRow[row];
        return perStep;
    }

    /// <summary>Σ fan-out over the non-zero inputs of one sample.</summary>
    static long Count(ReadOnlySpan<float> inputs, int[] fanOut)
    {
        int width = Vector<float>.Count, i = 0;
        var sum = Vector<int>.Zero;
        for (; i <= inputs.Length - width; i += width)
        {
            var silent = Vector.Equals(new Vector<float>(inputs.Slice(i)), Vector<float>.Zero);
            sum += Vector.AndNot(new Vector<int>(fanOut, i), silent);
        }
        long total = Vector.Sum(sum);
        for (; i < inputs.Length; i++) if (inputs[i] != 0f) total += fanOut[i];
        return total;
    }

    public void Dispose() => _fanOut.Dispose();
}
