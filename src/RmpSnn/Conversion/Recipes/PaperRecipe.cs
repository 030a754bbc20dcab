using RmpSnn.Snn;

namespace RmpSnn.Conversion.Recipes;

/// <summary>
/// The RMP-SNN paper (Han, Srinivasan &amp; Roy 2020): spike-based V_in^max balancing on 100 images × 128 steps of Poisson
/// input, hard and soft reset side by side, thresholds scaled by α = 1 and 0.8. Needs hundreds to thousands of steps.
/// </summary>
public sealed record PaperRecipe : ConversionRecipe
{
    /// <inheritdoc/>
    public override string Name => "paper";
    /// <inheritdoc/>
    public override string Summary => "the RMP paper: spike-based V_in^max balancing, Poisson input, hard and soft reset, alpha 1 and 0.8";
    /// <inheritdoc/>
    public override NormMode Norm => NormMode.Spike;
    /// <inheritdoc/>
    public override IReadOnlyList<ResetMode> Resets => [ResetMode.Soft, ResetMode.Hard];
    /// <inheritdoc/>
    public override IReadOnlyList<double> Alphas => [1.0, 0.8];
    /// <inheritdoc/>
    public override int CalibrationImages => 100;
    /// <inheritdoc/>
    public override InputCoding CalibrationEncoding => InputCoding.Poisson;
    /// <inheritdoc/>
    public override int CalibrationSteps(int? simulationSteps) => 128;
}
