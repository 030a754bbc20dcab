namespace RmpSnn.Conversion.Recipes;

/// <summary>
/// Per-layer thresholds chosen by minimising the quantisation error of the ANN activations at the target T
/// (<see cref="NormMode.Search"/>), direct input, soft reset, V(0) = V_th/2; seconds to convert, no SNN calibration run.
/// </summary>
public sealed record FastRecipe : ConversionRecipe
{
    /// <inheritdoc/>
    public override string Name => "fast";
    /// <inheritdoc/>
    public override string Summary => "thresholds by quantisation-error search at the target T, direct input, soft reset, V(0) = V_th/2";
    /// <inheritdoc/>
    public override NormMode Norm => NormMode.Search;
}
