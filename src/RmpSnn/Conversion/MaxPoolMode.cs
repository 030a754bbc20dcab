namespace RmpSnn.Conversion;

/// <summary>How an ANN's max-pooling layers are converted (<c>--maxpool</c>).</summary>
public enum MaxPoolMode
{
    /// <summary>Spike-count max-pooling: each window spikes when the largest spike count among its inputs rises, so its count is their max.</summary>
    Gate,
    /// <summary>Replaced by average pooling over the same windows (plain replacement, no fine-tuning).</summary>
    Average,
}
