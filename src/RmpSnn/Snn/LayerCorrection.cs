namespace RmpSnn.Snn;

/// <summary>
/// Post-training corrections of one IF layer (Li et al. 2021, "A free lunch from ANN"), per channel and in absolute units
/// (they do not scale with α): <paramref name="CurrentShift"/> is added to the layer's input current every step, which is
/// the bias correction of the weighted layer before it (for a residual junction, of the summed current);
/// <paramref name="PotentialShift"/> is added to V(0), the potential correction.
/// </summary>
public sealed record LayerCorrection(float[] CurrentShift, float[] PotentialShift);
