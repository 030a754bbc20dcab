using System.Diagnostics;
using System.Text.Json;

namespace RmpSnn.Tests.Import;

/// <summary>
/// Runs the repository's PyTorch scripts (experiments/make_*.py) with Debian's python3-torch. Without it the tests that
/// need it fail (test.sh installs it), so the check never silently disappears.
/// </summary>
internal static class PythonTorch
{
    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/>; a failure fails the test with the script's stderr.</summary>
    public static void RunScript(string script, params string[] args) => Run(Python(), [script, .. args]);

    /// <summary>A JSON array of numbers as floats.</summary>
    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

    /// <summary>A Python that can import torch ($RMPSNN_PYTHON, Debian's /usr/bin/python3, or python3 on the PATH).</summary>
    public static string Python()
    {
        string?[] candidates = [Environment.GetEnvironmentVariable("RMPSNN_PYTHON"), "/usr/bin/python3", "python3"];
        foreach (var python in candidates.OfType<string>())
        {
            try
            {
                if (Run(python, "-c", "import torch").ExitCode == 0) return python;
            }
            catch (System.ComponentModel.Win32Exception) { }   // not installed
        }
        Assert.Fail("no python3 with torch found (tried $RMPSNN_PYTHON, /usr/bin/python3, python3): install Debian's python3-torch (./test.sh does)");
        return "";
    }

    /// <summary>Runs a program to completion; a script (not a <c>-c</c> probe) that fails fails the test with its stderr.</summary>
    static Process Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill();
            Assert.Fail($"{program} {string.Join(' ', args)}: timed out");
        }
        stdout.Wait();
        if (args[0] != "-c" && process.ExitCode != 0) Assert.Fail($"{program} {string.Join(' ', args)} failed: {stderr}");
        return process;
    }
}
