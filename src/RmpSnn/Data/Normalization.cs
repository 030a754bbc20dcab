using static TorchSharp.torch;

namespace RmpSnn.Data;

/// <summary>Per-channel mean/std applied to pixels in [0, 1]: <c>x' = (x − mean) / std</c>. Stored with every model.</summary>
public sealed record Normalization(float[] Mean, float[] Std)
{
    /// <summary>Channel count.</summary>
    public int Channels => Mean.Length;

    /// <summary>Normalises <paramref name="pixels01"/> <c>[B, C, H, W]</c> (values in [0, 1]).</summary>
    public Tensor Apply(Tensor pixels01)
    {
        var shape = new long[] { 1, Channels, 1, 1 };
        using var mean = tensor(Mean, device: pixels01.device).reshape(shape);
        using var std = tensor(Std, device: pixels01.device).reshape(shape);
        return (pixels01 - mean).div_(std);
    }

    /// <summary>True for mean 0 and std 1 in every channel.</summary>
    public bool IsIdentity => Mean.All(m => m == 0) && Std.All(s => s == 1);

    /// <summary>True when <paramref name="other"/> has the same means and stds (record equality compares the arrays by reference).</summary>
    public bool SameAs(Normalization other) => Mean.SequenceEqual(other.Mean) && Std.SequenceEqual(other.Std);

    /// <summary><c>mean [m₀, m₁, …] std [s₀, s₁, …]</c>, for messages.</summary>
    public override string ToString() => $"mean [{string.Join(", ", Mean)}] std [{string.Join(", ", Std)}]";

    /// <summary>Identity normalisation (mean 0, std 1) for <paramref name="channels"/> channels.</summary>
    public static Normalization Identity(int channels) => new(new float[channels], Enumerable.Repeat(1f, channels).ToArray());
}
