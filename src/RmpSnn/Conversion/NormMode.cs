namespace RmpSnn.Conversion;

/// <summary>How neuron thresholds are balanced (<c>--norm</c>).</summary>
public enum NormMode
{
    /// <summary>The paper's spike-based balancing: layer by layer, V_th = the largest input current the layer receives in the SNN.</summary>
    Spike,
    /// <summary>V_th = the largest activation of the corresponding ANN ReLU over the calibration set.</summary>
    ActMax,
    /// <summary>V_th = the p-th percentile (default 99.9) of the corresponding ANN ReLU's non-zero activations.</summary>
    ActPct,
    /// <summary>V_th = the trained clip λ of the corresponding <see cref="Graph.Qcfs"/> activation (QCFS models only; no calibration).</summary>
    Qcfs,
    /// <summary>
    /// V_th minimising the quantisation error of the ANN activations at the target T (<see cref="PostTrainingCalibration"/>);
    /// simulate with direct input, soft reset and V(0) = V_th/2.
    /// </summary>
    Search,
    /// <summary><see cref="Search"/> plus layer-wise bias and potential correction at the target T (<see cref="PostTrainingCalibration"/>).</summary>
    Calibrated,
}
