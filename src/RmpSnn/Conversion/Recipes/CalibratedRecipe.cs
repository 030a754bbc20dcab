namespace RmpSnn.Conversion.Recipes;

/// <summary>
/// <see cref="FastRecipe"/> plus layer-wise bias and potential correction on 256 training images at the target T
/// (<see cref="NormMode.Calibrated"/>, <see cref="PostTrainingCalibration"/>): the default for ReLU networks.
/// </summary>
public sealed record CalibratedRecipe : ConversionRecipe
{
    /// <inheritdoc/>
    public override string Name => "calibrated";
    /// <inheritdoc/>
    public override string Summary => "fast plus layer-wise bias and potential correction at the target T (the default for ReLU networks)";
    /// <inheritdoc/>
    public override NormMode Norm => NormMode.Calibrated;
}
