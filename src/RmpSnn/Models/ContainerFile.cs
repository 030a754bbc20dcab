using System.Text;
using System.Text.Json;

namespace RmpSnn.Models;

/// <summary>
/// The shared single-file layout of model files and training checkpoints: 8 magic bytes, an int32 header length, a
/// UTF-8 JSON header, then a binary payload. Writes go to a temp file in the same directory and are renamed into place,
/// so a crash never leaves a half-written file under the real name.
/// </summary>
internal static class ContainerFile
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Atomically writes <paramref name="magic"/>, <paramref name="header"/> as JSON, then the payload.</summary>
    public static void Write<T>(string path, string magic, T header, Action<BinaryWriter> payload)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8))
            {
                byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
                writer.Write(Encoding.ASCII.GetBytes(magic));
                writer.Write(json.Length);
                writer.Write(json);
                payload(writer);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            if (File.Exists(temp)) File.Delete(temp);
            if (e is IOException or UnauthorizedAccessException)
                throw new RmpSnnException($"{path}: cannot write: {e.Message}", e);
            throw;
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/>, checks the magic, parses the header and hands the reader (positioned at the payload)
    /// to <paramref name="readPayload"/>. Every I/O or format problem becomes a one-line <see cref="RmpSnnException"/>.
    /// </summary>
    public static TResult Read<T, TResult>(string path, string magic, string kind, Func<T, BinaryReader, TResult> readPayload)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            byte[] found = reader.ReadBytes(magic.Length);
            if (!found.AsSpan().SequenceEqual(Encoding.ASCII.GetBytes(magic)))
                throw new RmpSnnException($"{path}: not an RmpSnn {kind} (bad magic bytes)");
            int length = reader.ReadInt32();
            if (length <= 0 || length > stream.Length - stream.Position)
                throw new EndOfStreamException();
            var header = JsonSerializer.Deserialize<T>(reader.ReadBytes(length), Json)
                ?? throw new JsonException("empty header");
            return readPayload(header, reader);
        }
        catch (EndOfStreamException e)
        {
            throw new RmpSnnException($"{path}: truncated {kind} (file ends early)", e);
        }
        catch (JsonException e)
        {
            throw new RmpSnnException($"{path}: corrupt {kind} header: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RmpSnnException($"{path}: cannot read {kind}: {e.Message}", e);
        }
    }
}
