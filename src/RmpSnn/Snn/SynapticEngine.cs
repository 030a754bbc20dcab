namespace RmpSnn.Snn;

/// <summary>How convolutions run during simulation.</summary>
public enum SynapticEngine
{
    /// <summary>Dense convolution (TorchSharp's kernel) on every input, any device: the reference.</summary>
    Dense,
    /// <summary>Event-driven convolution on the CPU (<see cref="EventConvolution"/>): work ∝ input spikes; other devices stay dense.</summary>
    Event,
}
