namespace RmpSnn.Evaluation;

/// <summary>Latency: the fewest steps a configuration needs to come within x % of the ANN, and soft reset's speed-up over hard.</summary>
public static class Latency
{
    /// <summary>The margins x (percentage points below the ANN) reported by default.</summary>
    public static readonly double[] Margins = [0.5, 1, 2];

    /// <summary>The smallest T whose accuracy is at least ANN − <paramref name="margin"/>, or null if not reached within the run.</summary>
    public static int? StepsTo(SimulationResult result, double annAccuracy, double margin) => result.StepsToReach(annAccuracy - margin);

    /// <summary>steps_hard / steps_soft at equal accuracy (ANN − <paramref name="margin"/>); null unless both reach it.</summary>
    public static double? Speedup(SimulationResult hard, SimulationResult soft, double annAccuracy, double margin) =>
        StepsTo(hard, annAccuracy, margin) is { } h && StepsTo(soft, annAccuracy, margin) is { } s ? (double)h / s : null;
}
