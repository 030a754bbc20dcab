using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Models;

/// <summary>
/// Writes and reads a module's state dict as <c>count, (name, dtype, rank, shape…, raw bytes)…</c>, checking every
/// name and shape against the receiving module before any bytes are copied.
/// </summary>
internal static class StateDictIO
{
    /// <summary>Writes all parameters and buffers of <paramref name="module"/>.</summary>
    public static void Write(BinaryWriter writer, nn.Module module)
    {
        var state = module.state_dict();
        writer.Write(state.Count);
        foreach (var (name, tensor) in state)
        {
            using var cpu = tensor.detach().cpu().contiguous();
            writer.Write(name);
            writer.Write((int)cpu.dtype);
            writer.Write(cpu.shape.Length);
            foreach (long d in cpu.shape) writer.Write(d);
            writer.Write(cpu.bytes);
        }
    }

    /// <summary>Reads a state dict into <paramref name="module"/>; a mismatch names <paramref name="path"/> and the parameter.</summary>
    public static void Read(BinaryReader reader, nn.Module module, string path, string arch)
    {
        var state = module.state_dict();
        int count = reader.ReadInt32();
        if (count < 0 || count > 100_000) throw new RmpSnnException($"{path}: corrupt weights (entry count {count})");
        var seen = new HashSet<string>();
        using var _ = no_grad();
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            var dtype = (ScalarType)reader.ReadInt32();
            int rank = reader.ReadInt32();
            if (rank is < 0 or > 8) throw new RmpSnnException($"{path}: corrupt weights (rank {rank} for '{name}')");
            long[] shape = Enumerable.Range(0, rank).Select(_ => reader.ReadInt64()).ToArray();
            if (!state.TryGetValue(name, out var target))
                throw new RmpSnnException($"{path}: weight '{name}' does not exist in a {arch} network with this spec");
            if (!target.shape.SequenceEqual(shape) || target.dtype != dtype)
                throw new RmpSnnException(
                    $"{path}: weight '{name}' is {dtype}{Shape(shape)} but the {arch} spec expects {target.dtype}{Shape(target.shape)}");
            using var source = empty(shape, dtype);
            byte[] bytes = reader.ReadBytes(checked((int)(source.NumberOfElements * source.ElementSize)));
            if (bytes.Length != source.NumberOfElements * source.ElementSize) throw new EndOfStreamException();
            source.bytes = bytes;
            RequireFinite(source, name, path);
            target.copy_(source);
            seen.Add(name);
        }
        string? missing = state.Keys.FirstOrDefault(k => !seen.Contains(k));
        if (missing is not null)
            throw new RmpSnnException($"{path}: weight '{missing}' of the {arch} spec is missing from the file");
    }

    static string Shape(long[] shape) => $"[{string.Join(", ", shape)}]";

    /// <summary>Throws a one-line <see cref="RmpSnnException"/> when floating-point <paramref name="weight"/> holds NaN or ±∞.</summary>
    public static void RequireFinite(Tensor weight, string name, string path)
    {
        if (!weight.is_floating_point()) return;
        // every temporary is held: one only the native call refers to could be finalized (and freed) during that call
        using var finite = isfinite(weight);
        using var all = finite.all();
        if (!all.item<bool>())
            throw new RmpSnnException($"{path}: weight '{name}' holds NaN or infinite values; expected finite weights");
    }

    /// <summary>Checks every floating-point parameter and buffer of <paramref name="module"/> for NaN and ±∞.</summary>
    public static void RequireFinite(nn.Module module, string path)
    {
        using var _ = no_grad();
        foreach (var (name, weight) in module.state_dict()) RequireFinite(weight, name, path);
    }
}
