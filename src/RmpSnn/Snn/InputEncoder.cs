using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>How images become input frames for the first layer.</summary>
public enum InputCoding
{
    /// <summary>Rate coding: each step a pixel spikes (value 1) with probability equal to its intensity in [0, 1].</summary>
    Poisson,
    /// <summary>Direct / constant current: every step the first layer receives the intensities themselves.</summary>
    Direct,
}

/// <summary>
/// Turns pixel intensities <c>[B, C, H, W]</c> in [0, 1] into <c>K</c> time-major frames <c>[K·B, C, H, W]</c>.
/// Either way the time average of the frames equals the intensities; the first layer carries the ANN's input
/// normalisation (<c>(x − mean)/std</c>, folded into its weights and a constant bias current), so the SNN's mean input
/// current equals the ANN's first-layer input exactly.
/// </summary>
public static class InputEncoder
{
    /// <summary>Encodes <paramref name="steps"/> frames, drawing Poisson spikes from <paramref name="generator"/>.</summary>
    public static Tensor Encode(InputCoding encoding, Tensor pixels, int steps, Generator generator)
    {
        long[] frameShape = [steps, .. pixels.shape];
        long[] flatShape = [steps * pixels.shape[0], .. pixels.shape[1..]];
        if (encoding == InputCoding.Direct)
            return pixels.unsqueeze(0).expand(frameShape).reshape(flatShape);
        using var uniform = rand(frameShape, generator: generator, device: pixels.device);
        return uniform.lt(pixels.unsqueeze(0)).to_type(pixels.dtype).view(flatShape);
    }
}
