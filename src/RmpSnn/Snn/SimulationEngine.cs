using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>How a simulation computes each step. All engines give the same accuracy curves (docs/PERFORMANCE.md).</summary>
public enum SimulationEngine
{
    /// <summary>LibTorch operations only, on any device: the straightforward per-step loop the other engines are tested against.</summary>
    Reference,
    /// <summary>
    /// LibTorch convolutions, with the neuron update and the statistics as fused single-pass CPU kernels
    /// (<see cref="IntegrateAndFireKernel"/>, <see cref="SynapticOpsCounter"/>), bit-identical to <see cref="Reference"/>. CPU only.
    /// </summary>
    Dense,
    /// <summary>
    /// <see cref="Dense"/> with event-driven convolutions on the CPU (<see cref="EventConvolution"/>): work ∝ input spikes,
    /// equal to dense up to float rounding. CPU only; convolutions with dilation or groups are refused when compiling.
    /// </summary>
    Event,
}

/// <summary>The engine a caller uses when the user named none.</summary>
public static class SimulationEngines
{
    /// <summary><see cref="SimulationEngine.Dense"/> on the CPU, <see cref="SimulationEngine.Reference"/> on any other device.</summary>
    public static SimulationEngine DefaultFor(Device device) => device.type == DeviceType.CPU ? SimulationEngine.Dense : SimulationEngine.Reference;
}
