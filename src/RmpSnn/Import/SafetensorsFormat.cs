using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace RmpSnn.Import;

/// <summary>
/// The <c>.safetensors</c> layout: an 8-byte little-endian header length, a JSON header mapping each name to
/// <c>{dtype, shape, data_offsets}</c> (offsets relative to the end of the header) plus an optional string map
/// <c>__metadata__</c>, then the raw little-endian data.
/// </summary>
internal static class SafetensorsFormat
{
    private const int MaxHeaderBytes = 100 << 20;

    /// <summary>True if the stream starts with a plausible header length followed by '{'.</summary>
    public static bool Sniff(ReadOnlySpan<byte> head, long fileLength) =>
        head.Length >= 9 && head[8] == (byte)'{'
        && BinaryPrimitives.ReadUInt64LittleEndian(head) is var n && n <= MaxHeaderBytes && (long)n <= fileLength - 8;

    /// <summary>Reads every tensor in header order, plus the <c>__metadata__</c> strings.</summary>
    public static (OrderedDictionary<string, Tensor> Tensors, Dictionary<string, object> Metadata) Read(Stream stream, Device device)
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(stream.Length - 8)) throw new EndOfStreamException();
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataStart = 8 + header.Length, dataLength = stream.Length - dataStart;

        using var json = Parse(header);
        var tensors = new OrderedDictionary<string, Tensor>();
        var metadata = new Dictionary<string, object>();
        try
        {
            foreach (var entry in json.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    foreach (var m in entry.Value.EnumerateObject()) metadata[m.Name] = m.Value.ToString();
                    continue;
                }
                var (dtype, shape, begin, end) = Describe(entry);
                long expected = shape.Aggregate(1L, (a, b) => checked(a * b)) * TorchPickle.ElementSize(dtype);
                if (begin < 0 || end - begin != expected)
                    throw new InvalidDataException($"tensor '{entry.Name}' has data_offsets that do not match its shape");
                if (end > dataLength) throw new EndOfStreamException();
                var bytes = new byte[expected];
                stream.Position = dataStart + begin;
                stream.ReadExactly(bytes);
                tensors.Add(entry.Name, ToTensor(bytes, dtype, shape, device));
            }
            return (tensors, metadata);
        }
        catch (InvalidOperationException e)   // a name or value that is not valid UTF-8 surfaces only when it is read
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw new InvalidDataException($"the JSON header is not valid UTF-8 ({e.Message})", e);
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
    }

    private static JsonDocument Parse(byte[] header)
    {
        try
        {
            var doc = JsonDocument.Parse(header);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                ? doc
                : throw new InvalidDataException("safetensors header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"safetensors header is not valid JSON ({e.Message})");
        }
    }

    private static (ScalarType DType, long[] Shape, long Begin, long End) Describe(JsonProperty entry)
    {
        try
        {
            var v = entry.Value;
            string code = v.GetProperty("dtype").GetString() ?? "";
            var dtype = code switch
            {
                "F32" => ScalarType.Float32,
                "F64" => ScalarType.Float64,
                "F16" => ScalarType.Float16,
                "BF16" => ScalarType.BFloat16,
                "I64" => ScalarType.Int64,
                _ => throw new InvalidDataException(
                    $"tensor '{entry.Name}' has unsupported dtype {code} (supported: F32, F64, F16, BF16, I64)"),
            };
            long[] shape = v.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            long[] offsets = v.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (offsets.Length != 2 || shape.Any(d => d < 0)) throw new FormatException();
            return (dtype, shape, offsets[0], offsets[1]);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"tensor '{entry.Name}' has a malformed safetensors header entry");
        }
    }

    private static Tensor ToTensor(byte[] bytes, ScalarType dtype, long[] shape, Device device)
    {
        using var raw = empty(shape, dtype);
        raw.bytes = bytes;
        return raw.to(dtype == ScalarType.Int64 ? ScalarType.Int64 : ScalarType.Float32, device, copy: true);
    }
}
