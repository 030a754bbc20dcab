using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace RmpSnn.Cli;

/// <summary>
/// Runs a PyTorch reference script of <c>bench/reference/</c> for one benchmark row and reads the JSON line it prints:
/// <c>snn_reference.py</c> (the random-weight networks) or <c>snn_file.py</c> (a converted network exported as safetensors).
/// </summary>
public sealed class PyTorchReference(string python, string script)
{
    /// <summary>
    /// Runs the random-weight script for <paramref name="arch"/> at <paramref name="batch"/> × <paramref name="steps"/> on
    /// <paramref name="threads"/> threads; returns images·steps per second of wall time and of process CPU time.
    /// </summary>
    public (double Wall, double Cpu) ImageStepsPerSecond(string arch, int batch, int steps, int threads, int seed)
    {
        var json = Run(["--arch", arch, "--batch", Invariant(batch), "--steps", Invariant(steps), "--threads", Invariant(threads), "--seed", Invariant(seed)],
            "imageStepsPerSecond", "imageStepsPerCpuSecond");
        return (json.GetProperty("imageStepsPerSecond").GetDouble(), json.GetProperty("imageStepsPerCpuSecond").GetDouble());
    }

    /// <summary>
    /// Runs <c>snn_file.py</c> on the exported network <paramref name="snn"/> and the images file <paramref name="images"/>;
    /// returns its rates, correct images per step and spikes per IF layer.
    /// </summary>
    public ReferenceRun Simulate(string snn, string images, int batch, int steps, int threads)
    {
        var json = Run([snn, images, "--batch", Invariant(batch), "--steps", Invariant(steps), "--threads", Invariant(threads)],
            "imageStepsPerSecond", "imageStepsPerCpuSecond", "correctPerStep", "spikesPerLayer", "peakRssBytes");
        return new ReferenceRun(json.GetProperty("imageStepsPerSecond").GetDouble(), json.GetProperty("imageStepsPerCpuSecond").GetDouble(),
            [.. json.GetProperty("correctPerStep").EnumerateArray().Select(v => v.GetInt64())],
            json.GetProperty("spikesPerLayer").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()),
            json.GetProperty("peakRssBytes").GetInt64());
    }

    JsonElement Run(IEnumerable<string> arguments, params string[] expected)
    {
        if (!File.Exists(script)) throw new RmpSnnException($"--reference-script {script}: file not found (run from the repository root)");
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        // the same allocator and OpenMP settings as this process (TorchRuntime.Configure sets them natively, which child processes do not inherit)
        foreach (var (name, value) in TorchRuntime.ChildEnvironment()) start.Environment[name] = value;
        start.ArgumentList.Add(script);
        foreach (string arg in arguments) start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RmpSnnException($"--python {python}: cannot start: {e.Message}");
        }
        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new RmpSnnException($"{script}: exited with {process.ExitCode}: {error.Result.Trim().Split('\n').LastOrDefault()}");
            try
            {
                var json = JsonDocument.Parse(output.Trim().Split('\n').Last()).RootElement.Clone();
                foreach (string key in expected) json.GetProperty(key);
                return json;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new RmpSnnException($"{script}: expected a JSON line with {string.Join(", ", expected)}, got: {output.Trim()}");
            }
        }
    }

    static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What the PyTorch reference measured on an exported network.</summary>
/// <param name="Wall">Images·steps per second of wall time.</param>
/// <param name="Cpu">Images·steps per second of process CPU time.</param>
/// <param name="CorrectPerStep">Images whose integrated output is right after each step.</param>
/// <param name="Spikes">Total spikes of each IF layer, by name.</param>
/// <param name="PeakMemoryBytes">The reference process's peak resident memory.</param>
public sealed record ReferenceRun(double Wall, double Cpu, long[] CorrectPerStep, IReadOnlyDictionary<string, double> Spikes, long PeakMemoryBytes);
