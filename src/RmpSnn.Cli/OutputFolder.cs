namespace RmpSnn.Cli;

/// <summary>Checks an <c>--out</c> results folder before any work, so a long run cannot fail only when it writes.</summary>
public static class OutputFolder
{
    /// <summary>Creates <paramref name="folder"/> if needed and proves it writable; returns it.</summary>
    /// <exception cref="RmpSnnException">It is a file, or cannot be created or written (one line naming it).</exception>
    public static string Prepare(string folder)
    {
        if (File.Exists(folder)) throw new RmpSnnException($"--out {folder}: is a file; expected a folder for the results");
        try
        {
            Directory.CreateDirectory(folder);
            using var probe = new FileStream(Path.Combine(folder, $".rmpsnn-write-check-{Environment.ProcessId}"), FileMode.Create, FileAccess.Write,
                FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RmpSnnException($"--out {folder}: cannot write there ({e.Message})");
        }
        return folder;
    }
}
