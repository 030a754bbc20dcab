namespace RmpSnn;

/// <summary>
/// Writes files atomically: to a temp file in the same folder, then renamed over the target, so a crash never leaves half a
/// file. Temp files that an earlier, killed write of the same target left behind are removed on the next write.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Creates the folder if needed and writes <paramref name="path"/> through <paramref name="write"/>;
    /// an I/O failure becomes a one-line <see cref="RmpSnnException"/> naming the file.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            foreach (string stale in Directory.EnumerateFiles(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.*.tmp"))
                File.Delete(stale);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite))   // readable too: HDF5 writers seek back and read
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RmpSnnException($"{path}: cannot write: {e.Message}", e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream => { using var writer = new StreamWriter(stream, leaveOpen: true); writer.Write(text); });
}
