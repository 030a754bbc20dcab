using static TorchSharp.torch;

namespace RmpSnn.Import;

/// <summary>
/// Reads trained weights from a PyTorch checkpoint (<c>torch.save</c> zip or legacy format, or <c>.safetensors</c>),
/// detecting the format from the file's first bytes.
/// </summary>
public static class CheckpointReader
{
    private const string DataParallelPrefix = "module.";

    /// <summary>
    /// Reads the state dict in <paramref name="path"/> onto <paramref name="device"/> (CPU if null). A state dict
    /// wrapped in a dict (<c>{'state_dict': …}</c>, <c>{'model': …}</c>) is unwrapped, the wrapper's scalars going to
    /// <see cref="PyTorchCheckpoint.Metadata"/>; a <c>module.</c> prefix on every key is stripped.
    /// </summary>
    /// <exception cref="RmpSnnException">The file is missing, truncated, not a checkpoint, uses an unsupported
    /// Python global or dtype, or holds no state dict.</exception>
    public static PyTorchCheckpoint Read(string path, Device? device = null)
    {
        device ??= CPU;
        try
        {
            using var stream = new BufferedStream(File.OpenRead(path), 1 << 16);
            Span<byte> head = stackalloc byte[16];
            head = head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
            stream.Position = 0;

            if (TorchZipFormat.Sniff(head)) return FromPickle(path, CheckpointFormat.TorchZip, TorchZipFormat.Read(stream), device);
            if (TorchLegacyFormat.Sniff(head)) return FromPickle(path, CheckpointFormat.TorchLegacy, TorchLegacyFormat.Read(stream), device);
            if (SafetensorsFormat.Sniff(head, stream.Length))
            {
                var (tensors, metadata) = SafetensorsFormat.Read(stream, device);
                return Create(path, CheckpointFormat.Safetensors, tensors, metadata, null);
            }
            throw new RmpSnnException(
                $"{path}: not a PyTorch checkpoint (expected a torch.save zip archive, a legacy torch.save pickle or a .safetensors file)");
        }
        catch (EndOfStreamException)
        {
            throw new RmpSnnException($"{path}: file is truncated (it ends before all of its checkpoint data)");
        }
        catch (Exception e) when (e is InvalidDataException or OverflowException)
        {
            throw new RmpSnnException($"{path}: cannot read checkpoint: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RmpSnnException($"{path}: cannot open checkpoint: {e.Message}", e);
        }
    }

    private static PyTorchCheckpoint FromPickle(string path, CheckpointFormat format, object? root, Device device)
    {
        var located = StateDictLocator.Locate(root, device);
        return Create(path, format, located.Tensors, located.Metadata, located.Key);
    }

    private static PyTorchCheckpoint Create(string path, CheckpointFormat format, OrderedDictionary<string, Tensor> tensors,
        Dictionary<string, object> metadata, string? stateDictKey)
    {
        if (tensors.Count == 0) throw new RmpSnnException($"{path}: checkpoint holds no tensors");
        if (!tensors.Keys.All(k => k.StartsWith(DataParallelPrefix, StringComparison.Ordinal) && k.Length > DataParallelPrefix.Length))
            return new PyTorchCheckpoint(path, format, tensors, metadata, stateDictKey, null);
        var stripped = new OrderedDictionary<string, Tensor>(tensors.Count);
        foreach (var (k, t) in tensors) stripped.Add(k[DataParallelPrefix.Length..], t);
        return new PyTorchCheckpoint(path, format, stripped, metadata, stateDictKey, DataParallelPrefix);
    }
}
