namespace RmpSnn.Conversion.Recipes;

/// <summary>
/// A QCFS-trained network (<c>train --activation qcfs</c>): V_th = the trained clips λ, direct input, soft reset,
/// V(0) = V_th/2; nothing to calibrate. The default for QCFS models.
/// </summary>
public sealed record QcfsRecipe : ConversionRecipe
{
    /// <inheritdoc/>
    public override string Name => "qcfs";
    /// <inheritdoc/>
    public override string Summary => "QCFS-trained clips as thresholds, direct input, soft reset, V(0) = V_th/2 (the default for QCFS models)";
    /// <inheritdoc/>
    public override NormMode Norm => NormMode.Qcfs;
    /// <inheritdoc/>
    public override int CalibrationImages => 1;
    /// <inheritdoc/>
    public override int CalibrationSteps(int? simulationSteps) => 1;
}
