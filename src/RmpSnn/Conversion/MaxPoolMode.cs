namespace RmpSnn.Conversion;

/// <summary>How an ANN's max-pooling layers are converted (<c>--maxpool</c>).</summary>
public enum MaxPoolMode
{
    /// <summary>Rate-gated max-pooling: each window passes the spikes of its input neuron with the most accumulated spikes so far.</summary>
    Gate,
    /// <summary>Replaced by average pooling over the same windows (plain replacement, no fine-tuning).</summary>
    Average,
}
