namespace RmpSnn.Conversion.Recipes;

/// <summary>
/// A QCFS-trained network (<c>train --activation qcfs</c>): V_th = the trained clips λ, direct input, soft reset,
/// V(0) = V_th/2. The default for QCFS models. Nothing is calibrated unless <c>--corrections</c> asks for the
/// <see cref="PostTrainingCalibration"/> bias and potential correction on top, for T_cal = the run's T up to 16 on 256 images.
/// </summary>
public sealed record QcfsRecipe : ConversionRecipe
{
    /// <inheritdoc/>
    public override string Name => "qcfs";
    /// <inheritdoc/>
    public override string Summary => "QCFS-trained clips as thresholds, direct input, soft reset, V(0) = V_th/2 (the default for QCFS models; --corrections both adds the calibrated recipe's corrections)";
    /// <inheritdoc/>
    public override NormMode Norm => NormMode.Qcfs;
    /// <inheritdoc/>
    public override bool Corrects => false;
}
