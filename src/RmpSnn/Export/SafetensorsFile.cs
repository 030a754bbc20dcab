using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Export;

/// <summary>
/// Writes the <c>.safetensors</c> layout (8-byte little-endian header length, a JSON header of
/// <c>{dtype, shape, data_offsets}</c> per tensor plus the string map <c>__metadata__</c>, then the raw data) atomically.
/// </summary>
public static class SafetensorsFile
{
    /// <summary>Writes <paramref name="tensors"/> (float32 or int64, in order) and <paramref name="metadata"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new Dictionary<string, object>();
        if (metadata is { Count: > 0 }) header["__metadata__"] = metadata;
        var data = new MemoryStream();
        foreach (var (name, tensor) in tensors)
        {
            using var cpu = tensor.detach().cpu().contiguous();
            string dtype = cpu.dtype switch
            {
                ScalarType.Float32 => "F32",
                ScalarType.Int64 => "I64",
                var d => throw new ArgumentException($"{name}: {d} is not written", nameof(tensors)),
            };
            long begin = data.Length;
            data.Write(cpu.bytes);
            header[name] = new { dtype, shape = cpu.shape, data_offsets = new[] { begin, data.Length } };
        }
        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        AtomicFile.Write(path, file =>
        {
            file.Write(BitConverter.GetBytes((ulong)json.Length));
            file.Write(json);
            data.Position = 0;
            data.CopyTo(file);
        });
    }
}
