using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RmpSnn.Conversion;

/// <summary>
/// <see cref="MaxPoolMode.Average"/>: a max-pooling layer replaced by average pooling over the same windows (padding
/// counted like <c>nn.AvgPool2d</c>'s default, so a max-pool model becomes exactly its average-pool twin). Used by the
/// converter and, for activation-based balancing, by <see cref="ActivationProbe"/>, so both see the same network.
/// </summary>
public static class MaxPoolReplacement
{
    /// <summary>The average-pooling function for <paramref name="pool"/>; <paramref name="where"/> names the layer in errors.</summary>
    public static Func<Tensor, Tensor> Average(MaxPool2d pool, string where)
    {
        if (pool.dilation is { } d && d.Any(v => v != 1))
            throw new RmpSnnException($"{where} (MaxPool2d): dilated max-pooling has no average-pooling equivalent; use --maxpool gate");
        long[] kernel = pool.kernel_size, stride = pool.stride ?? kernel, padding = pool.padding ?? [0, 0];
        bool ceilMode = pool.ceil_mode;
        return x => F.avg_pool2d(x, kernel, stride, padding, ceilMode);
    }
}
