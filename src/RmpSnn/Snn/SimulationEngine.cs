namespace RmpSnn.Snn;

/// <summary>How a simulation computes each step. All engines give the same accuracy curves (docs/PERFORMANCE.md).</summary>
public enum SimulationEngine
{
    /// <summary>LibTorch operations only, on any device: the straightforward per-step loop the other engines are tested against.</summary>
    Reference,
    /// <summary>
    /// LibTorch convolutions; on the CPU the neuron update and the statistics run as fused single-pass kernels
    /// (<see cref="IntegrateAndFireKernel"/>, <see cref="SynapticOpsCounter"/>), bit-identical to <see cref="Reference"/>. Other devices run the reference.
    /// </summary>
    Dense,
    /// <summary>
    /// <see cref="Dense"/> with event-driven convolutions on the CPU (<see cref="EventConvolution"/>): work ∝ input spikes,
    /// equal to dense up to float rounding.
    /// </summary>
    Event,
}
