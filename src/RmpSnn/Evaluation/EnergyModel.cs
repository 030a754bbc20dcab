using RmpSnn.Snn;

namespace RmpSnn.Evaluation;

/// <summary>
/// Energy per image from operation counts (45 nm CMOS figures used by the SNN literature): a multiply-accumulate costs
/// 4.6 pJ, an accumulate (one synaptic operation, SOP) 0.9 pJ. The ANN does its dense MACs once. The SNN does SOPs; with
/// direct input its first layer multiplies real-valued intensities every step, so it is charged its dense MACs × T.
/// </summary>
public static class EnergyModel
{
    /// <summary>Energy of one multiply-accumulate (pJ).</summary>
    public const double MacPicojoules = 4.6;
    /// <summary>Energy of one synaptic operation, an accumulate (pJ).</summary>
    public const double SopPicojoules = 0.9;

    /// <summary>Dense ANN multiply-accumulates per image (sum over weighted layers).</summary>
    public static double AnnMacs(SimulationResult result) => result.WeightedLayers.Sum(l => l.Size);

    /// <summary>ANN energy per image (pJ).</summary>
    public static double Ann(SimulationResult result) => MacPicojoules * AnnMacs(result);

    /// <summary>SNN energy per image (pJ) over the first <paramref name="t"/> steps.</summary>
    public static double Snn(SimulationResult result, InputCoding encoding, int t)
    {
        var sops = result.SynapticOpsPerSample(t);
        if (sops.Length == 0) throw new InvalidOperationException($"{result.Label}: no synaptic-operation statistics recorded");
        return encoding == InputCoding.Direct
            ? MacPicojoules * result.WeightedLayers[0].Size * t + SopPicojoules * sops.Skip(1).Sum()
            : SopPicojoules * sops.Sum();
    }
}
