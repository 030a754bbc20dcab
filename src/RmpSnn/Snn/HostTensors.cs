using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// What the CPU kernels (<see cref="IntegrateAndFireKernel"/>, <see cref="EventConvolution"/>,
/// <see cref="SynapticOpsCounter"/>) need to read tensors in place.
/// </summary>
internal static class HostTensors
{
    /// <summary>The most float32 elements a span over a tensor's bytes can hold (2 GB).</summary>
    public const long MaxElements = int.MaxValue / sizeof(float);

    /// <summary>True for a float32 CPU tensor whose elements fit a span.</summary>
    public static bool IsFloat32OnCpu(Tensor tensor) =>
        tensor.device_type == DeviceType.CPU && tensor.dtype == ScalarType.Float32 && tensor.numel() <= MaxElements;

    /// <summary>A contiguous float32 CPU tensor's elements.</summary>
    public static Span<float> Floats(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);

    /// <summary>True when a 4-D tensor's memory is NHWC (channels last) and not also NCHW.</summary>
    public static bool IsChannelsLast(Tensor x)
    {
        if (x.dim() != 4 || x.is_contiguous()) return false;
        using var nhwc = x.permute(0, 2, 3, 1);
        return nhwc.is_contiguous();
    }
}
