namespace RmpSnn.Data;

/// <summary>
/// Which images a command uses: a catalog dataset, a split (<c>train</c>, <c>test</c> or <c>val</c>), an optional held-out
/// validation carve-out of <see cref="Validation"/> training images (seeded, so training and evaluation agree), and an
/// optional limit on the number of images, and optionally one shard of what remains.
/// </summary>
/// <param name="Dataset">Catalog name (see <see cref="DatasetCatalog.Names"/>).</param>
/// <param name="Root">Folder holding the files, or null for the dataset's default.</param>
/// <param name="Split"><c>train</c>, <c>test</c> or <c>val</c> (the carve-out; for <c>imagefolder</c> without --val, the <c>val</c> folder).</param>
/// <param name="Validation">Training images held out as the <c>val</c> split (0 = none).</param>
/// <param name="ValidationSeed">Seed of the carve-out permutation.</param>
/// <param name="Limit">Use only the first <c>Limit</c> images (0 = all).</param>
/// <param name="Shard">Use only this shard of the (limited) images; null = all.</param>
/// <param name="Strict">Refuse an image folder with unreadable files instead of leaving them out.</param>
public sealed record DatasetSelection(string Dataset, string? Root, string Split, int Validation = 0, int ValidationSeed = 0, int Limit = 0,
    Shard? Shard = null, bool Strict = false)
{
    /// <summary>Loads the selected images.</summary>
    public ImageDataset Load()
    {
        if (Limit < 0) throw new RmpSnnException($"--limit {Limit}: expected 0 (all) or a positive number of images");
        if (Validation < 0) throw new RmpSnnException($"--val {Validation}: expected 0 or a positive number of held-out images");
        ImageDataset data = Split switch
        {
            "test" => DatasetCatalog.Load(Dataset, Root, "test"),
            "train" when Validation == 0 => DatasetCatalog.Load(Dataset, Root, "train"),
            "train" => DatasetCatalog.Load(Dataset, Root, "train").Split(Validation, ValidationSeed).Train,
            "val" when Validation > 0 => DatasetCatalog.Load(Dataset, Root, "train").Split(Validation, ValidationSeed).Validation,
            "val" when Dataset != "imagefolder" => throw new RmpSnnException("--split val: needs --val N, the number of training images held out"),
            _ => DatasetCatalog.Load(Dataset, Root, Split),
        };
        if (Strict && data.Unreadable.Count > 0)
            throw new RmpSnnException($"{data.Unreadable[0]}: cannot decode image ({data.Unreadable.Count} unreadable file(s) in {data.Name}); " +
                "expected JPEG or PNG files (without --strict they are left out)");
        if (data.Count == 0) throw new RmpSnnException($"{Dataset} ({Split}): the files hold no images{(Root is null ? "" : $" (in {Root})")}");
        if (Limit > 0) data = data.Take(Limit);
        return Shard is { } shard ? shard.Of(data) : data;
    }
}
