using System.CommandLine;
using RmpSnn.Experiments;
using RmpSnn.Snn;
using Spectre.Console;

namespace RmpSnn.Cli.Commands;

/// <summary><c>rmpsnn export MODEL</c>: the converted SNN as a NIR file for other simulators and neuromorphic hardware.</summary>
public static class ExportCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var command = new Command("export", """
            Write the converted SNN of one reset mode and threshold scale as a NIR graph (HDF5; read by snnTorch, Norse,
            Sinabs, Rockpool, Lava, SpiNNaker2, Nengo through NIR). Spike amplitudes are folded into the next layer's weights,
            thresholds are written for NIR's v > v_threshold, hard reset is NIR's IF, and soft reset is an Integrator +
            Threshold with a -V_th feedback edge (exact in discrete time; docs/INTEROP.md says which readers take it).
            Uses MODEL.snn.json from 'rmpsnn convert'. Max-pool gates and concatenations have no NIR form, nor has Poisson
            input: an SNN converted for it is written only with --encoding (direct, or poisson for spike frames drawn by the
            reading simulator). --format safetensors writes the weights, biases and thresholds with the graph as JSON
            metadata, for PyTorch code.

            Examples:
              rmpsnn export out/fmnist.model --reset soft --encoding direct --out out/fmnist-soft.nir
              rmpsnn export out/resnet20.model --reset hard --alpha 0.8 --encoding poisson --out out/resnet20-hard.nir
              rmpsnn export out/fmnist.model --format safetensors --out out/fmnist-snn.safetensors
            """);
        var model = ModelArgument.Create();
        var converted = new Option<string?>("--converted") { Description = "Converted-model JSON (default: MODEL.snn.json)" };
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "nir" };
        format.AcceptOnlyFromAmong("nir", "safetensors");
        var reset = new Option<string>("--reset") { Description = "Reset mode of the SNN written: soft or hard", DefaultValueFactory = _ => "soft" };
        reset.AcceptOnlyFromAmong("soft", "hard");
        var alpha = new Option<double>("--alpha") { Description = "Threshold scale α in (0, 1]", DefaultValueFactory = _ => 1.0 };
        var resetPotential = new Option<float>("--reset-potential") { Description = "Hard-reset potential as a fraction of V_th" };
        var output = new Option<string>("--out", "-o") { Description = "File to write", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace --out if it exists" };
        var encoding = new Option<string?>("--encoding")
        {
            Description = "Input coding the file is for: direct (pixel currents every step) or poisson (the reader draws the spikes); " +
                "default: the converted file's, if direct",
        };
        encoding.AcceptOnlyFromAmong("direct", "poisson");
        command.Arguments.Add(model);
        foreach (var o in new Option[] { converted, format, reset, alpha, resetPotential, encoding, output, force }) command.Options.Add(o);

        CliRunner.SetAction(command, (parse, _) =>
        {
            string modelPath = parse.GetValue(model)!, outPath = parse.GetValue(output)!;
            var request = new ExportRequest(modelPath, parse.GetValue(converted) ?? modelPath + ".snn.json", outPath,
                parse.GetValue(reset) == "hard" ? ResetMode.Hard : ResetMode.Soft, parse.GetValue(alpha), parse.GetValue(resetPotential),
                parse.GetValue(force), parse.GetValue(encoding) switch
                {
                    "direct" => InputCoding.Direct,
                    "poisson" => InputCoding.Poisson,
                    _ => null,
                });
            string mode = parse.GetValue(reset)!;
            if (parse.GetValue(format) == "safetensors")
                AnsiConsole.MarkupLine(Markup.Escape($"Wrote {ExportStep.Safetensors(request)} tensors and the graph ({mode} reset)"));
            else
            {
                var report = ExportStep.Nir(request);
                foreach (string note in report.Notes) AnsiConsole.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
                AnsiConsole.MarkupLine(Markup.Escape(
                    $"Wrote NIR {RmpSnn.Export.NirExport.Version} graph: {report.Nodes} nodes, {report.Edges} edges ({mode} reset)"));
            }
            AnsiConsole.MarkupLine($"Saved [green]{Markup.Escape(outPath)}[/]");
            return CliRunner.Ok;
        });
        return command;
    }
}
