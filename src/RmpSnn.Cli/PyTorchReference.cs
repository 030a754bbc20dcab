using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace RmpSnn.Cli;

/// <summary>
/// Runs <c>bench/reference/snn_reference.py</c> (PyTorch, SpikingJelly-style per-step loop) for one benchmark row and
/// returns its images·steps per second of wall time and of process CPU time.
/// </summary>
public sealed class PyTorchReference(string python, string script)
{
    /// <summary>
    /// Runs the script for <paramref name="arch"/> at <paramref name="batch"/> × <paramref name="steps"/> on
    /// <paramref name="threads"/> threads.
    /// </summary>
    public (double Wall, double Cpu) ImageStepsPerSecond(string arch, int batch, int steps, int threads, int seed)
    {
        if (!File.Exists(script)) throw new RmpSnnException($"--reference-script {script}: file not found (run from the repository root)");
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        // the same allocator and OpenMP settings as this process (TorchRuntime.Configure sets them natively, which child processes do not inherit)
        foreach (var (name, value) in TorchRuntime.ChildEnvironment()) start.Environment[name] = value;
        foreach (string arg in new[] { script, "--arch", arch, "--batch", Invariant(batch), "--steps", Invariant(steps),
                     "--threads", Invariant(threads), "--seed", Invariant(seed) })
            start.ArgumentList.Add(arg);
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
                using var json = JsonDocument.Parse(output.Trim().Split('\n').Last());
                return (json.RootElement.GetProperty("imageStepsPerSecond").GetDouble(),
                    json.RootElement.GetProperty("imageStepsPerCpuSecond").GetDouble());
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new RmpSnnException(
                    $"{script}: expected a JSON line with imageStepsPerSecond and imageStepsPerCpuSecond, got: {output.Trim()}");
            }
        }
    }

    static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
