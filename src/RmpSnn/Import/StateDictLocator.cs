using static TorchSharp.torch;

namespace RmpSnn.Import;

/// <summary>The state dict found in an unpickled <c>torch.save</c> object, with its tensors built.</summary>
internal sealed record LocatedStateDict(
    OrderedDictionary<string, Tensor> Tensors, Dictionary<string, object> Metadata, string? Key);

/// <summary>
/// Finds the state dict in an unpickled checkpoint: either the object itself (a dict of tensors) or one entry of a
/// wrapping dict such as <c>{'best_prec1': 91.78, 'state_dict': OrderedDict}</c>, whose scalar entries become metadata.
/// </summary>
internal static class StateDictLocator
{
    private static readonly string[] WrapperKeys = ["state_dict", "model_state_dict", "model", "net", "params"];

    /// <summary>Locates the state dict and builds its tensors on <paramref name="device"/>.</summary>
    public static LocatedStateDict Locate(object? root, Device device)
    {
        if (root is not PickleDict top)
            throw new InvalidDataException($"expected a dict of tensors at the top level, found {PickleReader.Describe(root)}");
        using var builder = new TorchTensorBuilder(device);
        if (IsStateDict(top)) return new LocatedStateDict(BuildAll(top, builder), [], null);

        string? key = WrapperKeys.FirstOrDefault(k => top.TryGetValue(k, out var v) && v is PickleDict d && IsStateDict(d));
        if (key is null)
        {
            var names = string.Join(", ", top.Keys.Select(k => $"'{k}'"));
            throw new InvalidDataException(
                $"no state dict found: expected a dict of tensors or one under {string.Join("/", WrapperKeys)}, found keys {names}");
        }
        var metadata = new Dictionary<string, object>();
        foreach (var (k, v) in top)
        {
            if (k is string name && Scalar(v, builder) is { } scalar) metadata[name] = scalar;
        }
        return new LocatedStateDict(BuildAll((PickleDict)top[key]!, builder), metadata, key);
    }

    private static bool IsStateDict(PickleDict d) =>
        d.Count > 0 && d.All(kv => kv.Key is string && kv.Value is TorchTensorRef);

    private static OrderedDictionary<string, Tensor> BuildAll(PickleDict stateDict, TorchTensorBuilder builder)
    {
        var tensors = new OrderedDictionary<string, Tensor>();
        try
        {
            foreach (var (k, v) in stateDict) tensors.Add((string)k, builder.Build((TorchTensorRef)v!));
            return tensors;
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>A Python scalar, or a one-element tensor (some trainers store accuracies as tensors), as a plain value.</summary>
    private static object? Scalar(object? value, TorchTensorBuilder builder)
    {
        switch (value)
        {
            case long or double or bool or string:
                return value;
            case TorchTensorRef t when t.Shape.Aggregate(1L, (a, b) => a * b) == 1:
                using (var tensor = builder.Build(t))
                    return tensor.dtype == ScalarType.Int64 ? tensor.item<long>() : (double)tensor.item<float>();
            default:
                return null;
        }
    }
}
