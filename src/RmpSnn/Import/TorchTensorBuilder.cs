using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Import;

/// <summary>
/// Turns pickled tensor references into contiguous tensors of their own on a device: int64 stays int64,
/// every floating dtype becomes float32. Storage tensors are shared between views and freed on dispose.
/// </summary>
internal sealed class TorchTensorBuilder(Device device) : IDisposable
{
    private readonly Dictionary<TorchStorage, Tensor> _storages = [];

    /// <summary>Builds the tensor a reference describes; its storage bytes must have been read.</summary>
    public Tensor Build(TorchTensorRef r)
    {
        var target = r.Storage.DType == ScalarType.Int64 ? ScalarType.Int64 : ScalarType.Float32;
        using var view = StorageTensor(r.Storage).as_strided(r.Shape, r.Stride, r.Offset);
        using var contiguous = view.contiguous();
        return contiguous.to(target, device, copy: true);
    }

    private Tensor StorageTensor(TorchStorage storage)
    {
        if (_storages.TryGetValue(storage, out var t)) return t;
        var data = storage.Data ?? throw new InvalidDataException($"the data of storage '{storage.Key}' is missing");
        if (data.LongLength != storage.Numel * storage.ElementSize)
            throw new InvalidDataException($"storage '{storage.Key}' has {data.LongLength} bytes, expected {storage.Numel * storage.ElementSize}");
        t = empty(storage.Numel, storage.DType);
        t.bytes = data;
        _storages[storage] = t;
        return t;
    }

    /// <summary>Frees the storage tensors; built tensors own their memory and stay valid.</summary>
    public void Dispose()
    {
        foreach (var t in _storages.Values) t.Dispose();
        _storages.Clear();
    }
}
