using System.CommandLine;
using RmpSnn.Snn;

namespace RmpSnn.Cli;

/// <summary>
/// Options shared by <c>simulate</c> and <c>sweep</c>: steps, α, batch, chunk, memory budget, seed, engine and the
/// neurons' initial/reset potentials.
/// </summary>
public sealed class SimulationOptionsBinder
{
    readonly Option<int> _steps = new("--steps", "-T") { Description = "Time-steps to simulate", DefaultValueFactory = _ => 256 };
    readonly Option<double[]> _alpha;
    readonly Option<int> _batch = new("--batch") { Description = "Images simulated together", DefaultValueFactory = _ => 100 };
    readonly Option<int> _chunk = new("--chunk")
    {
        Description = "Steps run layer by layer in one pass (memory ∝ chunk × batch; 1 = per-step loop)",
        DefaultValueFactory = _ => 1,
    };
    readonly Option<double?> _maxMemory = new("--max-memory")
    {
        Description = "Memory budget in MB: --batch and --chunk are reduced until the estimated working set fits",
    };
    readonly Option<int> _seed = new("--seed") { Description = "Seed of the Poisson input (and calibration) spikes" };
    readonly Option<float> _initial = new("--initial-potential")
    {
        Description = "Initial membrane potential as a fraction of V_th (default: the converted model's, 0.5 for --norm qcfs, else 0)",
    };
    readonly Option<float> _resetPotential = new("--reset-potential") { Description = "Hard-reset potential as a fraction of V_th" };
    readonly Option<string> _engine = EngineOption();

    /// <summary>The --engine option (reference|dense|event), also used by <c>bench</c>.</summary>
    public static Option<string> EngineOption()
    {
        var option = new Option<string>("--engine")
        {
            Description = "reference (LibTorch ops only, any device), dense (LibTorch convolutions + fused CPU neuron/statistics kernels, " +
                "bit-identical to reference) or event (event-driven CPU convolutions, equal to dense up to float rounding)",
            DefaultValueFactory = _ => "dense",
        };
        option.AcceptOnlyFromAmong("reference", "dense", "event");
        return option;
    }

    /// <summary>The engine chosen with <paramref name="option"/> (made by <see cref="EngineOption"/>).</summary>
    public static SimulationEngine Engine(ParseResult parse, Option<string> option) =>
        Enum.Parse<SimulationEngine>(parse.GetValue(option)!, ignoreCase: true);

    /// <summary>Creates the options; <paramref name="alphas"/> is the default list of threshold scales.</summary>
    public SimulationOptionsBinder(double[] alphas)
    {
        _alpha = new Option<double[]>("--alpha")
        {
            Description = "Threshold scales α in (0, 1]; several allowed",
            DefaultValueFactory = _ => alphas,
            AllowMultipleArgumentsPerToken = true,
        };
        _alpha.Validators.Add(r =>
        {
            foreach (double a in OptionValue.TryGet<double[]>(r, out var alphas) ? alphas ?? [] : [])
                if (a is <= 0 or > 1 || double.IsNaN(a)) r.AddError($"--alpha {a}: expected a threshold scale in (0, 1]");
        });
        _steps.Validators.Add(r => ConversionOptionsBinder.Positive(r, "--steps"));
        _batch.Validators.Add(r => ConversionOptionsBinder.Positive(r, "--batch"));
        _chunk.Validators.Add(r => ConversionOptionsBinder.Positive(r, "--chunk"));
        _maxMemory.Validators.Add(ConversionOptionsBinder.PositiveMegabytes);
    }

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { _steps, _alpha, _batch, _chunk, _maxMemory, _seed, _initial, _resetPotential, _engine })
            command.Options.Add(o);
    }

    /// <summary>The threshold scales, duplicates removed.</summary>
    public double[] Alphas(ParseResult parse) => parse.GetValue(_alpha)!.Distinct().ToArray();

    /// <summary>The α values given with --alpha, or null to take the recipe's.</summary>
    public double[]? GivenAlphas(ParseResult parse) => parse.GetResult(_alpha) is { Implicit: false } ? Alphas(parse) : null;

    /// <summary>The number of steps asked for.</summary>
    public int Steps(ParseResult parse) => parse.GetValue(_steps);

    /// <summary>The seed.</summary>
    public int Seed(ParseResult parse) => parse.GetValue(_seed);

    /// <summary>What to simulate: steps and seed, with <paramref name="encoding"/>.</summary>
    public SimulationOptions Simulation(ParseResult parse, InputCoding encoding) => new(parse.GetValue(_steps), encoding, parse.GetValue(_seed));

    /// <summary>How to run it: batch, chunk, memory budget and engine.</summary>
    public ExecutionOptions Execution(ParseResult parse) =>
        new(parse.GetValue(_batch), parse.GetValue(_chunk), parse.GetValue(_maxMemory), Engine(parse, _engine));

    /// <summary>--initial-potential if given, else null (the converted model's default).</summary>
    public float? GivenInitialPotential(ParseResult parse) => ConversionOptionsBinder.Given(parse, _initial) ? parse.GetValue(_initial) : null;

    /// <summary>--reset-potential.</summary>
    public float ResetPotential(ParseResult parse) => parse.GetValue(_resetPotential);

    /// <summary>
    /// Neuron options (soft reset; each configuration sets its own reset mode), validated; the initial potential is
    /// <paramref name="initialPotential"/> unless --initial-potential is given.
    /// </summary>
    public NeuronOptions Neurons(ParseResult parse, float initialPotential = 0) =>
        new NeuronOptions(ResetMode.Soft, parse.GetValue(_resetPotential),
            ConversionOptionsBinder.Given(parse, _initial) ? parse.GetValue(_initial) : initialPotential).Validate();
}
