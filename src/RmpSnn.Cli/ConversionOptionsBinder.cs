using System.CommandLine;
using RmpSnn.Conversion;
using RmpSnn.Snn;

namespace RmpSnn.Cli;

/// <summary>Options shared by <c>convert</c> and <c>simulate</c>: balancing, reset modes, readout, encoding.</summary>
public sealed class ConversionOptionsBinder
{
    static readonly BalancingOptions Defaults = new();

    readonly Option<string> _norm = new("--norm") { Description = "Threshold balancing: spike (the paper's, SNN-based), act-max or act-pct (ANN activations)", DefaultValueFactory = _ => "spike" };
    readonly Option<double> _percentile = new("--percentile") { Description = "Percentile for --norm act-pct", DefaultValueFactory = _ => Defaults.Percentile };
    readonly Option<int> _calibImages = new("--calib-images") { Description = "Calibration images (from the training split, or the held-out-free part with --val)", DefaultValueFactory = _ => Defaults.CalibrationImages };
    readonly Option<int> _calibSteps = new("--calib-steps") { Description = "T_cal: steps simulated per layer during spike balancing", DefaultValueFactory = _ => Defaults.CalibrationSteps };
    readonly Option<string[]> _reset = new("--reset") { Description = "Reset modes: soft (RMP), hard, or both", DefaultValueFactory = _ => ["soft", "hard"], AllowMultipleArgumentsPerToken = true };
    readonly Option<string> _readout = new("--readout") { Description = "Output layer: potential (integrate, argmax) or spikes (count)", DefaultValueFactory = _ => "potential" };
    readonly Option<string> _encoding = new("--encoding") { Description = "Input coding: poisson (rate-coded spikes) or direct (constant current)", DefaultValueFactory = _ => "poisson" };

    public ConversionOptionsBinder()
    {
        _norm.AcceptOnlyFromAmong("spike", "act-max", "act-pct");
        _readout.AcceptOnlyFromAmong("potential", "spikes");
        _encoding.AcceptOnlyFromAmong("poisson", "direct");
        _reset.AcceptOnlyFromAmong("soft", "hard", "both");
        _percentile.Validators.Add(r => { double p = r.GetValueOrDefault<double>(); if (p is <= 0 or > 100) r.AddError($"--percentile {p}: expected a value in (0, 100]"); });
        _calibImages.Validators.Add(r => Positive(r, "--calib-images"));
        _calibSteps.Validators.Add(r => Positive(r, "--calib-steps"));
    }

    internal static void Positive(System.CommandLine.Parsing.OptionResult r, string name)
    {
        int v = r.GetValueOrDefault<int>();
        if (v <= 0) r.AddError($"{name} {v}: expected a positive number");
    }

    /// <summary>Adds the calibration options, --readout and --reset, for commands that choose norm and encoding themselves (sweep).</summary>
    public void AddCalibrationTo(Command command)
    {
        foreach (var o in new Option[] { _percentile, _calibImages, _calibSteps, _readout, _reset }) command.Options.Add(o);
    }

    /// <summary>Adds the options; <paramref name="withBalancing"/> includes the balancing ones.</summary>
    public void AddTo(Command command, bool withBalancing = true)
    {
        if (withBalancing) foreach (var o in new Option[] { _norm, _percentile, _calibImages, _calibSteps, _readout }) command.Options.Add(o);
        command.Options.Add(_reset);
        command.Options.Add(_encoding);
    }

    /// <summary>The reset modes asked for, in order soft, hard.</summary>
    public ResetMode[] Resets(ParseResult parse)
    {
        var words = parse.GetValue(_reset)!;
        bool both = words.Contains("both");
        return new[] { ResetMode.Soft, ResetMode.Hard }
            .Where(m => both || words.Contains(m.ToString().ToLowerInvariant())).ToArray();
    }

    /// <summary>Input coding.</summary>
    public Encoding Encoding(ParseResult parse) => EncodingOf(parse.GetValue(_encoding)!);

    /// <summary>Readout mode.</summary>
    public ReadoutMode Readout(ParseResult parse) => parse.GetValue(_readout) == "spikes" ? ReadoutMode.Spikes : ReadoutMode.Potential;

    /// <summary>Balancing options.</summary>
    public BalancingOptions Balancing(ParseResult parse, int seed) =>
        Calibration(parse, seed) with { Mode = Norm(parse.GetValue(_norm)!), Encoding = Encoding(parse) };

    /// <summary>Calibration images, steps and percentile (mode and encoding left at their defaults, for commands that pick them).</summary>
    public BalancingOptions Calibration(ParseResult parse, int seed) =>
        new(NormMode.Spike, parse.GetValue(_calibImages), parse.GetValue(_calibSteps), parse.GetValue(_percentile), Snn.Encoding.Poisson, seed);

    /// <summary>The balancing mode named by a <c>--norm</c> word.</summary>
    public static NormMode Norm(string word) => word switch { "act-max" => NormMode.ActMax, "act-pct" => NormMode.ActPct, _ => NormMode.Spike };

    /// <summary>The input coding named by an <c>--encoding</c> word.</summary>
    public static Encoding EncodingOf(string word) => word == "direct" ? Snn.Encoding.Direct : Snn.Encoding.Poisson;
}
