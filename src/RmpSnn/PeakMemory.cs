using System.Diagnostics;

namespace RmpSnn;

/// <summary>Peak resident memory of this process (Linux <c>VmHWM</c>; elsewhere the peak working set).</summary>
public static class PeakMemory
{
    const string Status = "/proc/self/status", ClearRefs = "/proc/self/clear_refs";

    /// <summary>Peak resident set size in bytes since start-up or the last <see cref="Reset"/>.</summary>
    public static long Bytes()
    {
        if (File.Exists(Status))
            foreach (string line in File.ReadLines(Status))
                if (line.StartsWith("VmHWM:"))
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) * 1024;
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    /// <summary>Restarts peak tracking at the current resident size (Linux only; a no-op elsewhere), so one run can be measured.</summary>
    public static void Reset()
    {
        try
        {
            if (File.Exists(ClearRefs)) File.WriteAllText(ClearRefs, "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
