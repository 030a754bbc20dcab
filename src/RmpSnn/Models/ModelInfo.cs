using RmpSnn.Data;
using RmpSnn.Graph;

namespace RmpSnn.Models;

/// <summary>The JSON header of a model file: how to rebuild, feed and judge the network stored after it.</summary>
/// <param name="Spec">Architecture and options the weights belong to.</param>
/// <param name="Normalization">Input normalisation the network was trained with.</param>
/// <param name="Dataset">Training dataset name, e.g. <c>cifar10</c>.</param>
/// <param name="Accuracy">Top-1 test accuracy of the ANN in [0, 1], if measured.</param>
/// <param name="Epochs">Training epochs completed.</param>
/// <param name="Created">Creation time; <see cref="ModelFile.Save"/> stamps the current time when <c>null</c>.</param>
/// <param name="Metadata">Free-form key/value notes (command line, git commit, …).</param>
/// <param name="Graph">The network's nodes and edges (written by every save); files without it are rebuilt from
/// <paramref name="Spec"/> by the zoo.</param>
public sealed record ModelInfo(
    ModelSpec Spec,
    Normalization Normalization,
    string Dataset,
    double? Accuracy = null,
    int Epochs = 0,
    DateTimeOffset? Created = null,
    IReadOnlyDictionary<string, string>? Metadata = null,
    GraphDescription? Graph = null)
{
    /// <summary>
    /// Checks the fields a file may lack or hold wrongly (a missing spec, normalisation or dataset; a std that is not
    /// positive; a normalisation for another channel count); throws one line naming <paramref name="path"/> and the field.
    /// </summary>
    public ModelInfo Check(string path)
    {
        string Missing(string field) => $"{path}: the header has no '{field}'; the file is damaged or not written by RmpSnn";
        if (Spec is null || string.IsNullOrEmpty(Spec.Arch)) throw new RmpSnnException(Missing(Spec is null ? "Spec" : "Spec.Arch"));
        if (Spec.InChannels <= 0 || Spec.ImageSize <= 0 || Spec.Classes <= 1)
            throw new RmpSnnException($"{path}: the header's spec is {Spec.InChannels}x{Spec.ImageSize}x{Spec.ImageSize} -> {Spec.Classes}; " +
                "expected positive sizes and 2 or more classes");
        if (Normalization?.Mean is null || Normalization.Std is null) throw new RmpSnnException(Missing("Normalization"));
        if (string.IsNullOrEmpty(Dataset)) throw new RmpSnnException(Missing("Dataset"));
        if (Normalization.Mean.Length != Spec.InChannels || Normalization.Std.Length != Spec.InChannels)
            throw new RmpSnnException(
                $"{path}: the normalisation has {Normalization.Mean.Length} means and {Normalization.Std.Length} stds " +
                $"for {Spec.InChannels} input channels");
        if (Normalization.Std.Any(s => !(s > 0 && float.IsFinite(s))) || Normalization.Mean.Any(m => !float.IsFinite(m)))
            throw new RmpSnnException($"{path}: the normalisation needs finite means and positive finite stds, " +
                $"got {Normalization}");
        return this;
    }
}
