using System.CommandLine;
using RmpSnn.Conversion;
using RmpSnn.Conversion.Recipes;
using RmpSnn.Snn;

namespace RmpSnn.Cli;

/// <summary>Options shared by <c>convert</c> and <c>simulate</c>: balancing, reset modes, readout, max-pooling, encoding.</summary>
public sealed class ConversionOptionsBinder
{
    static readonly BalancingOptions Defaults = new();

    readonly Option<string?> _recipe = new("--recipe")
    {
        Description = "Conversion recipe, owning the defaults below (options given override it): " +
            string.Join("; ", ConversionRecipe.All.Select(r => $"{r.Name} = {r.Summary}")),
    };
    readonly Option<string> _norm = new("--norm")
    {
        Description = "Threshold balancing: spike (the paper's, SNN-based), act-max or act-pct (ANN activations), search (quantisation-" +
            "error search at the target T), calibrated (search + bias and potential correction), qcfs (the trained clips); " +
            "default: the recipe's",
        DefaultValueFactory = _ => "calibrated",
    };
    readonly Option<double> _percentile = new("--percentile")
    {
        Description = "Percentile for --norm act-pct",
        DefaultValueFactory = _ => Defaults.Percentile,
    };
    readonly Option<int> _calibImages = new("--calib-images")
    {
        Description = "Calibration images (from the training split, or the held-out-free part with --val)",
        DefaultValueFactory = _ => Defaults.CalibrationImages,
    };
    readonly Option<int> _calibSteps = new("--calib-steps")
    {
        Description = "T_cal: steps simulated per layer during spike balancing, or the target T of search and calibrated " +
            "(default: the recipe's; for calibrated and fast, simulate's --steps up to 16)",
        DefaultValueFactory = _ => Defaults.CalibrationSteps,
    };
    readonly Option<string> _neuron = new("--neuron")
    {
        Description = "if (the paper's integrate-and-fire neuron), signed (an extension: also emits a negative spike that takes " +
            "back an earlier one when V < 0, after Wang et al. 2022; every spike of either sign is counted) or burst (an extension: " +
            "up to --max-burst spikes in one step, after Li & Zeng 2022; a burst of k counts k spikes). Calibration runs the " +
            "neuron asked for and the converted model records it (default: the converted model's, else if)",
        DefaultValueFactory = _ => "if",
    };
    readonly Option<int> _maxBurst = new("--max-burst")
    {
        Description = "With --neuron burst: Γ, the most spikes a neuron emits in one step; thresholds become the norm's clip / Γ",
        DefaultValueFactory = _ => 2,
    };
    readonly Option<string[]> _corrections = new("--corrections")
    {
        Description = "With --norm calibrated (default both) or qcfs (default none): the layer-wise corrections to calibrate: bias, potential, both or none",
        DefaultValueFactory = _ => ["both"],
        AllowMultipleArgumentsPerToken = true,
    };
    readonly Option<string[]> _reset = new("--reset")
    {
        Description = "Reset modes: soft (RMP), hard, or both (default: both; soft for --norm qcfs)",
        DefaultValueFactory = _ => ["soft", "hard"],
        AllowMultipleArgumentsPerToken = true,
    };
    readonly Option<string> _readout = new("--readout")
    {
        Description = "Output layer: potential (integrate, argmax) or spikes (count)",
        DefaultValueFactory = _ => "potential",
    };
    readonly Option<string> _maxPool = new("--maxpool")
    {
        Description = "Max-pooling layers become: gate (each window spikes when its largest input spike count rises) or avg (average pooling)",
        DefaultValueFactory = _ => "gate",
    };
    readonly Option<string> _balanceReset = new("--balance-reset")
    {
        Description = "Spike balancing per reset mode (each), or once in the soft/hard SNN with the thresholds shared by both modes " +
            "(compare resets at equal V_th)",
        DefaultValueFactory = _ => "each",
    };
    readonly Option<string> _encoding = new("--encoding")
    {
        Description = "Input coding: poisson (rate-coded spikes) or direct (constant current); simulate defaults to the converted model's " +
            "(direct for --norm qcfs)",
        DefaultValueFactory = _ => "poisson",
    };

    /// <summary>Creates the options with their validators.</summary>
    public ConversionOptionsBinder()
    {
        _norm.AcceptOnlyFromAmong("spike", "act-max", "act-pct", "qcfs", "search", "calibrated");
        _recipe.AcceptOnlyFromAmong([.. ConversionRecipe.All.Select(r => r.Name)]);
        _corrections.AcceptOnlyFromAmong("bias", "potential", "both", "none");
        _neuron.AcceptOnlyFromAmong("if", "signed", "burst");
        _maxBurst.Validators.Add(r =>
        {
            if (OptionValue.TryGet<int>(r, out int v) && v < 2) r.AddError($"--max-burst {v}: expected at least 2 spikes per step (1 is --neuron if)");
        });
        _readout.AcceptOnlyFromAmong("potential", "spikes");
        _maxPool.AcceptOnlyFromAmong("gate", "avg");
        _encoding.AcceptOnlyFromAmong("poisson", "direct");
        _reset.AcceptOnlyFromAmong("soft", "hard", "both");
        _balanceReset.AcceptOnlyFromAmong("each", "soft", "hard");
        _percentile.Validators.Add(r =>
        {
            if (OptionValue.TryGet<double>(r, out double p) && !(p is > 0 and <= 100)) r.AddError($"--percentile {p}: expected a value in (0, 100]");
        });
        _calibImages.Validators.Add(r => Positive(r, "--calib-images"));
        _calibSteps.Validators.Add(r => Positive(r, "--calib-steps"));
    }

    internal static void PositiveMegabytes(System.CommandLine.Parsing.OptionResult r)
    {
        if (OptionValue.TryGet<double?>(r, out var value) && value is double v && !(v > 0 && double.IsFinite(v)))
            r.AddError($"--max-memory {v}: expected a positive number of MB");
    }

    internal static void Positive(System.CommandLine.Parsing.OptionResult r, string name)
    {
        if (OptionValue.TryGet<int>(r, out int v) && v <= 0) r.AddError($"{name} {v}: expected a positive number");
    }

    /// <summary>True when the user typed <paramref name="option"/> (rather than relying on its default).</summary>
    internal static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    /// <summary>True when the user typed the option named <paramref name="name"/> on the parsed command.</summary>
    internal static bool Given(ParseResult parse, string name) =>
        parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == name) is { } option && Given(parse, option);

    /// <summary>
    /// Adds the calibration options, --readout, --reset and --maxpool, for commands that choose norm and encoding
    /// themselves (sweep).
    /// </summary>
    public void AddCalibrationTo(Command command)
    {
        foreach (var o in new Option[] { _percentile, _calibImages, _calibSteps, _readout, _reset, _maxPool, _neuron, _maxBurst }) command.Options.Add(o);
    }

    /// <summary>Adds the options; <paramref name="withBalancing"/> includes the balancing ones.</summary>
    public void AddTo(Command command, bool withBalancing = true)
    {
        if (withBalancing)
            foreach (var o in new Option[] { _recipe, _norm, _percentile, _calibImages, _calibSteps, _corrections, _balanceReset, _readout, _maxPool,
                _neuron, _maxBurst })
                command.Options.Add(o);
        command.Options.Add(_reset);
        command.Options.Add(_encoding);
    }

    /// <summary>
    /// The recipe of this command line: --recipe; else, for a given --norm, the recipe built on it (paper for spike,
    /// fast for search, …; null for act-max and act-pct, which keep the plain defaults); else the model's default.
    /// </summary>
    public ConversionRecipe? Recipe(ParseResult parse, Models.ModelSpec spec)
    {
        if (parse.GetValue(_recipe) is { } name) return ConversionRecipe.Named(name);
        if (!Given(parse, _norm)) return ConversionRecipe.DefaultFor(spec);
        var norm = Norm(parse.GetValue(_norm)!);
        return ConversionRecipe.All.FirstOrDefault(r => r.Norm == norm);
    }

    /// <summary>True when the command line names a recipe or a balancing (so an existing converted file must match it).</summary>
    public bool AsksForConversion(ParseResult parse) => Given(parse, _recipe) || Given(parse, _norm);

    /// <summary>
    /// The reset modes asked for, in order soft, hard; without --reset, soft only when <paramref name="norm"/> is
    /// one that simulates soft reset only (QCFS, search, calibrated; null: the balancing mode is not fixed yet, as in a sweep).
    /// </summary>
    public ResetMode[] Resets(ParseResult parse, NormMode? norm = null)
    {
        var words = norm is NormMode.Qcfs or NormMode.Search or NormMode.Calibrated && !Given(parse, _reset) ? ["soft"] : parse.GetValue(_reset)!;
        bool both = words.Contains("both");
        return new[] { ResetMode.Soft, ResetMode.Hard }
            .Where(m => both || words.Contains(m.ToString().ToLowerInvariant())).ToArray();
    }

    /// <summary>The reset modes given with --reset, or null to take the converted model's default.</summary>
    public ResetMode[]? GivenResets(ParseResult parse) => Given(parse, _reset) ? Resets(parse) : null;

    /// <summary>The input coding given with --encoding, or null to take the converted model's default.</summary>
    public InputCoding? GivenEncoding(ParseResult parse) => Given(parse, _encoding) ? EncodingOf(parse.GetValue(_encoding)!) : null;

    /// <summary>
    /// The conversion plan: balancing, reset modes, readout and max-pooling, for a model with <paramref name="spec"/> that
    /// will be simulated for <paramref name="simulationSteps"/> (null: not known, as in <c>convert</c>).
    /// </summary>
    public Experiments.ConvertStep.Plan Plan(ParseResult parse, int seed, Models.ModelSpec spec, int? simulationSteps = null)
    {
        var balancing = Balancing(parse, seed, spec, simulationSteps);
        return new(balancing, Resets(parse, balancing.Mode), Readout(parse), MaxPool(parse));
    }

    /// <summary>Input coding; <paramref name="fallback"/> when --encoding is not given.</summary>
    public InputCoding Encoding(ParseResult parse, InputCoding fallback = InputCoding.Poisson) =>
        Given(parse, _encoding) ? EncodingOf(parse.GetValue(_encoding)!) : fallback;

    /// <summary>Readout mode.</summary>
    public ReadoutMode Readout(ParseResult parse) => parse.GetValue(_readout) == "spikes" ? ReadoutMode.Spikes : ReadoutMode.Potential;

    /// <summary>What max-pooling layers become.</summary>
    public MaxPoolMode MaxPool(ParseResult parse) => parse.GetValue(_maxPool) == "avg" ? MaxPoolMode.Average : MaxPoolMode.Gate;

    /// <summary>
    /// Balancing options for a model with <paramref name="spec"/>: the recipe's (<see cref="Recipe"/>), with every option
    /// the user gave on top.
    /// </summary>
    public BalancingOptions Balancing(ParseResult parse, int seed, Models.ModelSpec spec, int? simulationSteps = null)
    {
        var given = Calibration(parse, seed);
        var balancing = Recipe(parse, spec)?.Balancing(given, simulationSteps) ?? given with { Encoding = InputCoding.Poisson };
        return balancing with
        {
            Mode = Given(parse, _norm) ? Norm(parse.GetValue(_norm)!) : balancing.Mode,
            CalibrationImages = Given(parse, _calibImages) ? given.CalibrationImages : balancing.CalibrationImages,
            CalibrationSteps = Given(parse, _calibSteps) ? given.CalibrationSteps : balancing.CalibrationSteps,
            Encoding = Encoding(parse, balancing.Encoding),
            SharedFrom = parse.GetValue(_balanceReset) switch { "soft" => ResetMode.Soft, "hard" => ResetMode.Hard, _ => null },
            BiasCorrection = Given(parse, _corrections) ? parse.GetValue(_corrections)!.Intersect(["bias", "both"]).Any() : balancing.BiasCorrection,
            PotentialCorrection = Given(parse, _corrections) ? parse.GetValue(_corrections)!.Intersect(["potential", "both"]).Any()
                : balancing.PotentialCorrection,
            Signed = Signed(parse),
            MaxBurst = MaxBurst(parse),
        };
    }

    /// <summary>Γ of --neuron burst (--max-burst), else 1; --max-burst without --neuron burst is refused.</summary>
    public int MaxBurst(ParseResult parse)
    {
        bool burst = parse.GetValue(_neuron) == "burst";
        if (!burst && Given(parse, _maxBurst))
            throw new RmpSnnException($"--max-burst {parse.GetValue(_maxBurst)}: applies to burst neurons; add --neuron burst");
        return burst ? parse.GetValue(_maxBurst) : 1;
    }

    /// <summary>--neuron's Γ if --neuron was given (1 for if and signed), else null: the converted model's.</summary>
    public int? GivenMaxBurst(ParseResult parse) => Given(parse, _neuron) || Given(parse, _maxBurst) ? MaxBurst(parse) : null;

    /// <summary>Whether --neuron signed was asked for.</summary>
    public bool Signed(ParseResult parse) => parse.GetValue(_neuron) == "signed";

    /// <summary>--neuron if given (true for signed), else null: the converted model's.</summary>
    public bool? GivenSigned(ParseResult parse) => Given(parse, _neuron) ? Signed(parse) : null;

    /// <summary>Calibration images, steps and percentile (mode and encoding left at their defaults, for commands that pick them).</summary>
    public BalancingOptions Calibration(ParseResult parse, int seed) =>
        new(NormMode.Spike, parse.GetValue(_calibImages), parse.GetValue(_calibSteps), parse.GetValue(_percentile), InputCoding.Poisson, seed);

    /// <summary>The balancing mode named by a <c>--norm</c> word.</summary>
    public static NormMode Norm(string word) =>
        word switch
        {
            "act-max" => NormMode.ActMax, "act-pct" => NormMode.ActPct, "qcfs" => NormMode.Qcfs, "search" => NormMode.Search,
            "calibrated" => NormMode.Calibrated, _ => NormMode.Spike,
        };

    /// <summary>The input coding named by an <c>--encoding</c> word.</summary>
    public static InputCoding EncodingOf(string word) => word == "direct" ? InputCoding.Direct : InputCoding.Poisson;
}
