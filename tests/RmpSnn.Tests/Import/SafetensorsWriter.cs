using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Import;

/// <summary>Writes float32/int64 tensors as a <c>.safetensors</c> file (8-byte header length, JSON header, raw data).</summary>
internal static class SafetensorsWriter
{
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var header = new Dictionary<string, object>();
        var data = new MemoryStream();
        foreach (var (name, tensor) in tensors)
        {
            using var cpu = tensor.detach().cpu().contiguous();
            string dtype = cpu.dtype switch
            {
                ScalarType.Float32 => "F32",
                ScalarType.Int64 => "I64",
                var d => throw new ArgumentException($"{name}: {d}"),
            };
            long begin = data.Length;
            data.Write(cpu.bytes);
            header[name] = new { dtype, shape = cpu.shape, data_offsets = new[] { begin, data.Length } };
        }
        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)json.Length));
        file.Write(json);
        data.Position = 0;
        data.CopyTo(file);
    }
}
