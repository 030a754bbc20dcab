using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RmpSnn.Models;

/// <summary>
/// The shared single-file layout of model files and training checkpoints: 8 magic bytes, an int32 header length, a
/// UTF-8 JSON header, a binary payload, then a trailer of 8 marker bytes and the payload's SHA-256, checked on every read
/// (files written before the trailer existed have none and load without the check). Writes are atomic (<see cref="AtomicFile"/>).
/// </summary>
internal static class ContainerFile
{
    // named floating-point literals: a graph's clip bounds may be ±Infinity
    static readonly JsonSerializerOptions Json = new() { WriteIndented = false, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
    static readonly byte[] ChecksumMarker = "RMPSNNS1"u8.ToArray();
    const int TrailerBytes = 8 + 32;

    /// <summary>Atomically writes <paramref name="magic"/>, <paramref name="header"/> as JSON, then the payload.</summary>
    public static void Write<T>(string path, string magic, T header, Action<BinaryWriter> payload) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
            writer.Write(Encoding.ASCII.GetBytes(magic));
            writer.Write(json.Length);
            writer.Write(json);
            using var body = new MemoryStream();
            using (var bodyWriter = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true)) payload(bodyWriter);
            writer.Write(body.GetBuffer(), 0, (int)body.Length);
            writer.Write(ChecksumMarker);
            writer.Write(SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length)));
        });

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
            VerifyPayload(stream, path, kind);
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
        catch (Exception e) when (e is FormatException or InvalidDataException or OverflowException)
        {
            throw new RmpSnnException($"{path}: corrupt {kind} payload: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RmpSnnException($"{path}: cannot read {kind}: {e.Message}", e);
        }
    }

    /// <summary>Checks the trailer's SHA-256 against the payload, when the file has a trailer; leaves the stream at the payload.</summary>
    static void VerifyPayload(Stream stream, string path, string kind)
    {
        long start = stream.Position, end = stream.Length - TrailerBytes;
        if (end < start) return;
        Span<byte> trailer = stackalloc byte[TrailerBytes];
        stream.Position = end;
        stream.ReadExactly(trailer);
        if (trailer[..8].SequenceEqual(ChecksumMarker))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 20];
            stream.Position = start;
            for (long left = end - start; left > 0;)
            {
                int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n == 0) throw new EndOfStreamException();
                hash.AppendData(buffer, 0, n);
                left -= n;
            }
            if (!hash.GetHashAndReset().AsSpan().SequenceEqual(trailer[8..]))
                throw new RmpSnnException($"{path}: the {kind}'s weights do not match their SHA-256 (the file is corrupt or was altered)");
        }
        stream.Position = start;
    }
}
