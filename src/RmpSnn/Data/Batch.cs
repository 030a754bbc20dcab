using static TorchSharp.torch;

namespace RmpSnn.Data;

/// <summary>
/// A mini-batch: normalised images <c>[B, C, H, W]</c> (float32) and labels <c>[B]</c> (int64), on one device, and each
/// image's id (<see cref="ImageDataset.Ids"/>), which seeds its Poisson input.
/// </summary>
public sealed class Batch(Tensor images, Tensor labels, int[] ids) : IDisposable
{
    /// <summary>The images' ids, in batch order.</summary>
    public int[] Ids { get; } = ids;

    /// <summary>Normalised images, <c>[B, C, H, W]</c>.</summary>
    public Tensor Images { get; } = images;
    /// <summary>Class labels, <c>[B]</c>, int64.</summary>
    public Tensor Labels { get; } = labels;
    /// <summary>Number of samples.</summary>
    public int Size => (int)Labels.shape[0];

    /// <inheritdoc/>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
