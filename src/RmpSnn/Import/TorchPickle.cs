using TorchSharp;

namespace RmpSnn.Import;

/// <summary>A storage class named in a pickle, such as <c>torch.FloatStorage</c>.</summary>
internal sealed record TorchStorageType(string Name, torch.ScalarType DType);

/// <summary>One storage of a <c>torch.save</c> file: its bytes are filled in by the container format.</summary>
internal sealed class TorchStorage(string key, torch.ScalarType dtype, long numel)
{
    public string Key { get; } = key;
    public torch.ScalarType DType { get; } = dtype;
    public long Numel { get; } = numel;
    public byte[]? Data { get; private set; }
    public int ElementSize => TorchPickle.ElementSize(DType);

    /// <summary>Allocates <see cref="Data"/> for all elements; storages beyond the largest .NET array are rejected.</summary>
    public byte[] AllocateData() => Numel <= Array.MaxLength / ElementSize
        ? Data = new byte[Numel * ElementSize]
        : throw new InvalidDataException($"storage '{Key}' is too large ({Numel} elements)");
}

/// <summary>A reference to a storage starting at an element offset (legacy files may pickle storage views).</summary>
internal sealed record TorchStorageSlice(TorchStorage Storage, long Offset);

/// <summary>A tensor as pickled: a strided view of a storage, materialised once the storage bytes are read.</summary>
internal sealed record TorchTensorRef(TorchStorage Storage, long Offset, long[] Shape, long[] Stride);

/// <summary>The whitelist of Python globals a state-dict pickle may use, and the parsing of storage persistent ids.</summary>
internal static class TorchPickle
{
    private static readonly Dictionary<string, torch.ScalarType> StorageTypes = new()
    {
        ["FloatStorage"] = torch.ScalarType.Float32,
        ["DoubleStorage"] = torch.ScalarType.Float64,
        ["HalfStorage"] = torch.ScalarType.Float16,
        ["BFloat16Storage"] = torch.ScalarType.BFloat16,
        ["LongStorage"] = torch.ScalarType.Int64,
    };

    /// <summary>Bytes per element of a supported storage dtype.</summary>
    public static int ElementSize(torch.ScalarType dtype) => dtype switch
    {
        torch.ScalarType.Float64 or torch.ScalarType.Int64 => 8,
        torch.ScalarType.Float32 => 4,
        _ => 2,
    };

    /// <summary>Resolves a GLOBAL opcode; anything outside the whitelist is rejected.</summary>
    public static object ResolveGlobal(string module, string name)
    {
        string full = $"{module}.{name}";
        switch (full)
        {
            case "collections.OrderedDict":
                return new PickleCallable(full, args => NewOrderedDict(args));
            case "torch._utils._rebuild_tensor":
            case "torch._utils._rebuild_tensor_v2":
                return new PickleCallable(full, RebuildTensor);
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                return new PickleCallable(full, args => args.Length >= 1 && args[0] is TorchTensorRef t
                    ? t
                    : throw new InvalidDataException($"{full} expects a tensor"));
        }
        if (module is "torch" or "torch.cuda" && name.EndsWith("Storage", StringComparison.Ordinal))
        {
            return StorageTypes.TryGetValue(name, out var dtype)
                ? new TorchStorageType(full, dtype)
                : throw new InvalidDataException(
                    $"unsupported tensor dtype {full} (supported: float32, float64, float16, bfloat16, int64)");
        }
        throw new InvalidDataException(
            $"unsupported pickle global '{full}' (only state dicts of tensors can be read; save model.state_dict(), not the model)");
    }

    /// <summary>
    /// Parses a storage persistent id: <c>('storage', storage_type, key, location, numel)</c>, with a sixth
    /// <c>view_metadata</c> entry <c>(view_key, offset, view_size)</c> or None in legacy files.
    /// </summary>
    public static TorchStorageSlice LoadStorage(object? pid, Dictionary<string, TorchStorage> storages)
    {
        if (pid is not object?[] { Length: 5 or 6 } t || t[0] is not "storage"
            || t[1] is not TorchStorageType type || t[2] is not string key || t[4] is not long numel || numel < 0)
            throw new InvalidDataException("malformed storage reference in the pickle");
        if (!storages.TryGetValue(key, out var storage))
            storages[key] = storage = new TorchStorage(key, type.DType, numel);
        else if (storage.DType != type.DType || storage.Numel != numel)
            throw new InvalidDataException($"storage '{key}' is referenced with conflicting types or sizes");
        if (t.Length == 5 || t[5] is null) return new TorchStorageSlice(storage, 0);
        if (t[5] is not object?[] { Length: 3 } view || view[1] is not long offset || view[2] is not long size
            || offset < 0 || size < 0 || offset + size > numel)
            throw new InvalidDataException($"malformed view of storage '{key}'");
        return new TorchStorageSlice(storage, offset);
    }

    private static PickleDict NewOrderedDict(object?[] args)
    {
        var dict = new PickleDict();
        if (args.Length == 0) return dict;
        if (args is not [List<object?> pairs])
            throw new InvalidDataException("unsupported OrderedDict construction");
        foreach (var pair in pairs)
        {
            if (pair is not object?[] { Length: 2 } kv || kv[0] is null)
                throw new InvalidDataException("malformed OrderedDict item");
            dict[kv[0]!] = kv[1];
        }
        return dict;
    }

    /// <summary><c>_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])</c>.</summary>
    private static object? RebuildTensor(object?[] args)
    {
        if (args.Length < 4 || args[0] is not TorchStorageSlice slice || args[1] is not long offset)
            throw new InvalidDataException("malformed tensor in the pickle");
        long[] shape = Longs(args[2]), stride = Longs(args[3]);
        if (shape.Length != stride.Length || offset < 0 || shape.Any(s => s < 0) || stride.Any(s => s < 0))
            throw new InvalidDataException("malformed tensor shape or stride in the pickle");
        try
        {
            long last = checked(offset + slice.Offset);
            for (int i = 0; i < shape.Length; i++) last = checked(last + (shape[i] == 0 ? 0 : (shape[i] - 1) * stride[i]));
            if (!shape.Contains(0) && last >= slice.Storage.Numel) throw new OverflowException();
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"a tensor reaches beyond its storage '{slice.Storage.Key}'");
        }
        return new TorchTensorRef(slice.Storage, offset + slice.Offset, shape, stride);
    }

    private static long[] Longs(object? o) => o is object?[] items && items.All(i => i is long)
        ? items.Select(i => (long)i!).ToArray()
        : throw new InvalidDataException("malformed tensor shape or stride in the pickle");
}
