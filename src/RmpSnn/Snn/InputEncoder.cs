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
/// <remarks>
/// Poisson frames are a pure function of (seed, image id, step) on a given device: each image's frame at step t is drawn
/// from a generator seeded with <see cref="FrameSeed"/>. Batch size, chunk length, memory budget and sharding therefore
/// cannot change the spikes an image receives.
/// </remarks>
public static class InputEncoder
{
    /// <summary>
    /// Encodes steps <paramref name="firstStep"/> … <paramref name="firstStep"/> + <paramref name="steps"/> − 1 of the
    /// images whose ids (their index in the dataset they were read from) are <paramref name="imageIds"/>.
    /// </summary>
    public static Tensor Encode(InputCoding encoding, Tensor pixels, int firstStep, int steps, int seed, IReadOnlyList<int> imageIds)
    {
        long[] frameShape = [steps, .. pixels.shape];
        long[] flatShape = [steps * pixels.shape[0], .. pixels.shape[1..]];
        if (encoding == InputCoding.Direct)
            return pixels.unsqueeze(0).expand(frameShape).reshape(flatShape);
        if (imageIds.Count != pixels.shape[0])
            throw new ArgumentException($"{imageIds.Count} image ids for a batch of {pixels.shape[0]}", nameof(imageIds));
        using var uniform = empty(frameShape, pixels.dtype, pixels.device);
        using var generator = new Generator(0, pixels.device);
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < imageIds.Count; b++)
            {
                generator.manual_seed(FrameSeed(seed, imageIds[b], firstStep + t));
                using var frame = uniform[t, b];
                frame.uniform_(0, 1, generator);
            }
        return uniform.lt(pixels.unsqueeze(0)).to_type(pixels.dtype).view(flatShape);
    }

    /// <summary>The generator seed of image <paramref name="imageId"/>'s frame at <paramref name="step"/>.</summary>
    public static long FrameSeed(int seed, int imageId, int step) => Seeds.Derive(seed, imageId, step);
}
