using RmpSnn.Snn;

namespace RmpSnn.Conversion.Recipes;

/// <summary>
/// A named conversion recipe (<c>--recipe</c>, after SpikingJelly's converter modes): it owns the defaults of balancing,
/// calibration images and steps, input coding, reset modes and threshold scales; options given on the command line
/// override it. The converted file then carries the simulation defaults (input coding, V(0)).
/// </summary>
public abstract record ConversionRecipe
{
    /// <summary>The <c>--recipe</c> word.</summary>
    public abstract string Name { get; }
    /// <summary>One line for <c>--help</c> and reports.</summary>
    public abstract string Summary { get; }
    /// <summary>How thresholds are set.</summary>
    public abstract NormMode Norm { get; }
    /// <summary>Reset modes simulated by default.</summary>
    public virtual IReadOnlyList<ResetMode> Resets => [ResetMode.Soft];
    /// <summary>Threshold scales α simulated by default.</summary>
    public virtual IReadOnlyList<double> Alphas => [1.0];
    /// <summary>Calibration images (from the training split).</summary>
    public virtual int CalibrationImages => 256;
    /// <summary>Whether bias and potential corrections are calibrated by default (<c>--corrections</c> overrides).</summary>
    public virtual bool Corrects => Norm == NormMode.Calibrated;
    /// <summary>Input coding used while calibrating.</summary>
    public virtual InputCoding CalibrationEncoding => InputCoding.Direct;

    /// <summary>
    /// Calibration steps for a run of <paramref name="simulationSteps"/> (null: a bare <c>convert</c>). The recipes that
    /// calibrate for a target T use the run's T up to 16: on the pretrained ResNet-20 one calibration at T = 16 was the
    /// best at T = 16, 32 and 64 alike, and one at T = 32 was worse even at T = 32 (experiments/calibration/RESULTS.md).
    /// </summary>
    public virtual int CalibrationSteps(int? simulationSteps) => Math.Min(simulationSteps ?? 16, 16);

    /// <summary>The recipe's balancing options, on top of <paramref name="given"/>'s seed, percentile, batch and chunk.</summary>
    public BalancingOptions Balancing(BalancingOptions given, int? simulationSteps) => given with
    {
        Mode = Norm,
        CalibrationImages = CalibrationImages,
        CalibrationSteps = CalibrationSteps(simulationSteps),
        Encoding = CalibrationEncoding,
        BiasCorrection = Corrects,
        PotentialCorrection = Corrects,
    };

    /// <summary>Every recipe, by name.</summary>
    public static IReadOnlyList<ConversionRecipe> All { get; } = [new CalibratedRecipe(), new FastRecipe(), new PaperRecipe(), new QcfsRecipe()];

    /// <summary>The recipe named <paramref name="name"/>.</summary>
    /// <exception cref="RmpSnnException">No such recipe (the known ones are listed).</exception>
    public static ConversionRecipe Named(string name) => All.FirstOrDefault(r => r.Name == name)
        ?? throw new RmpSnnException($"--recipe {name}: expected one of {string.Join(", ", All.Select(r => r.Name))}");

    /// <summary>The recipe a model gets when none is asked for: <c>qcfs</c> for a QCFS model, else <c>calibrated</c>.</summary>
    public static ConversionRecipe DefaultFor(Models.ModelSpec spec) => spec.IsQcfs ? new QcfsRecipe() : new CalibratedRecipe();
}
