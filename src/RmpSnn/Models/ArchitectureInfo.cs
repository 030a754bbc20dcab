namespace RmpSnn.Models;

/// <summary>A model-zoo entry: the <see cref="ModelSpec.Arch"/> name and a one-line description.</summary>
public sealed record ArchitectureInfo(string Name, string Description);
