using static TorchSharp.torch;

namespace RmpSnn.Import;

/// <summary>The container format a checkpoint was read from.</summary>
public enum CheckpointFormat
{
    /// <summary>
    /// <c>torch.save</c> before PyTorch 1.6 (or with <c>_use_new_zipfile_serialization=False</c>): concatenated pickles
    /// and raw storages.
    /// </summary>
    TorchLegacy,

    /// <summary><c>torch.save</c> from PyTorch 1.6 on: a zip archive with <c>data.pkl</c> and one entry per storage.</summary>
    TorchZip,

    /// <summary>A <c>.safetensors</c> file: JSON header and raw tensor data.</summary>
    Safetensors,
}

/// <summary>
/// The tensors of a checkpoint, in file order: float tensors as float32, int64 tensors (e.g. <c>num_batches_tracked</c>)
/// as int64. Disposing the checkpoint disposes its tensors.
/// </summary>
/// <param name="Path">The file that was read.</param>
/// <param name="Format">The container format.</param>
/// <param name="Tensors">Parameter name → tensor, in file order, with <see cref="StrippedPrefix"/> removed.</param>
/// <param name="Metadata">Scalar entries beside the state dict (e.g. <c>best_prec1</c> → 91.78, <c>epoch</c> → 200L) or a
/// safetensors <c>__metadata__</c>; values are double, long, bool or string.</param>
/// <param name="StateDictKey">The entry of a wrapping dict that held the state dict (e.g. <c>state_dict</c>), or null
/// if the file is the state dict itself.</param>
/// <param name="StrippedPrefix">The prefix removed from every key (<c>module.</c> from DataParallel), or null.</param>
public sealed record PyTorchCheckpoint(
    string Path,
    CheckpointFormat Format,
    IReadOnlyDictionary<string, Tensor> Tensors,
    IReadOnlyDictionary<string, object> Metadata,
    string? StateDictKey,
    string? StrippedPrefix) : IDisposable
{
    /// <summary>Disposes every tensor.</summary>
    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}
