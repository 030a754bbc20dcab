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
    GraphDescription? Graph = null);
