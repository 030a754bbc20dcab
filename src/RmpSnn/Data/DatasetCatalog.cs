namespace RmpSnn.Data;

/// <summary>
/// The datasets the toolkit knows by name, with their default folders, normalisation and train-time augmentation.
/// A folder given as <c>root</c> is the one that holds the dataset's files (for <c>imagefolder</c>: the one that holds the splits).
/// </summary>
public static class DatasetCatalog
{
    /// <summary>
    /// Environment variable naming the folder that holds <c>cifar-10-batches-bin/</c>, <c>cifar-100-binary/</c> and
    /// <c>mnist/</c> (default <c>./data</c>).
    /// </summary>
    public const string DataRootVariable = "RMPSNN_DATA";

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs Fashion-MNIST.</summary>
    public const string DebianFashionMnistRoot = "/usr/share/datasets/fashion-mnist";

    sealed record Entry(Func<string?> DefaultRoot, string Hint, Func<string, string, ImageDataset> Load,
        float[] Mean, float[] Std, Augmentation? Augmentation, (int Channels, int Size, int Classes)? Shape);

    // Fashion-MNIST: computed from its 60,000 training images (a test checks them); the others: the usual published values.
    static readonly float[] FashionMnistMean = [0.2860f], FashionMnistStd = [0.3530f];
    static readonly float[] Cifar100Mean = [0.5071f, 0.4865f, 0.4409f], Cifar100Std = [0.2673f, 0.2564f, 0.2762f];
    const string UnpackCifar = "run ../shared/data/unpack ./data, or set " + DataRootVariable + " to the folder it unpacked into";

    static readonly Dictionary<string, Entry> Entries = new()
    {
        ["fashion-mnist"] = new(() => DebianFashionMnistRoot, "apt-get install dataset-fashion-mnist",
            (dir, split) => IdxReader.Load(dir, IsTrain(split), "fashion-mnist"), FashionMnistMean, FashionMnistStd, null, (1, 28, 10)),
        ["fashion-mnist-sample"] = new(() => Path.Combine(AppContext.BaseDirectory, "samples", "fashion-mnist-sample"),
            "it ships with RmpSnn (samples/fashion-mnist-sample); rebuild to copy it next to the executable",
            (dir, split) => IdxReader.Load(dir, IsTrain(split), "fashion-mnist-sample"), FashionMnistMean, FashionMnistStd, null, (1, 28, 10)),
        ["mnist"] = new(() => Path.Combine(DataRoot, "mnist"), "place the four MNIST IDX files (train-images-idx3-ubyte.gz, ...) there",
            (dir, split) => IdxReader.Load(dir, IsTrain(split), "mnist"), [0.1307f], [0.3081f], null, (1, 28, 10)),
        ["cifar10"] = new(() => Path.Combine(DataRoot, "cifar-10-batches-bin"), UnpackCifar,
            (dir, split) => CifarReader.Load10(dir, IsTrain(split)), [0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f], Augmentation.Cifar,
            (3, 32, 10)),
        ["cifar100"] = new(() => Path.Combine(DataRoot, "cifar-100-binary"), UnpackCifar,
            (dir, split) => CifarReader.Load100(dir, IsTrain(split)), Cifar100Mean, Cifar100Std, Augmentation.Cifar, (3, 32, 100)),
        ["cifar100-coarse"] = new(() => Path.Combine(DataRoot, "cifar-100-binary"), UnpackCifar,
            (dir, split) => CifarReader.Load100(dir, IsTrain(split), coarse: true), Cifar100Mean, Cifar100Std, Augmentation.Cifar, (3, 32, 20)),
        ["imagefolder"] = new(() => null, "pass --root with one folder per split, each holding one sub-folder per class",
            (dir, split) => LoadImageFolder(dir, split),
            [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f], Augmentation.ImageNet, null),
    };

    /// <summary>
    /// Channels, image side and classes of the named dataset's images, or null when they vary (<c>imagefolder</c>) or the name
    /// is not in the catalog.
    /// </summary>
    public static (int Channels, int Size, int Classes)? ImageShape(string name) => Entries.TryGetValue(name, out var e) ? e.Shape : null;

    /// <summary>
    /// <c>imagefolder</c>: <c>ROOT/split/&lt;class&gt;/*</c>, or, when <c>ROOT/split</c> holds the images themselves and
    /// <c>ROOT/LOC_val_solution.csv</c> exists, the ImageNet validation layout with the classes of <c>ROOT/train</c> (or,
    /// without it, the sorted synsets of the solution file).
    /// </summary>
    static ImageDataset LoadImageFolder(string root, string split)
    {
        string folder = Path.Combine(root, split), solution = Path.Combine(root, "LOC_val_solution.csv");
        if (!Directory.Exists(folder) || Directory.GetDirectories(folder).Length > 0 || !File.Exists(solution))
            return ImageFolderReader.Load(folder, name: $"imagefolder/{split}");
        var classes = Directory.Exists(Path.Combine(root, "train")) ? ImageFolderReader.ClassNames(Path.Combine(root, "train"))
            : File.ReadLines(solution).Skip(1).Where(l => l.Contains(','))
                .Select(l => l.Split(',', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "")
                .Where(s => s.Length > 0).Distinct().Order(StringComparer.Ordinal).ToArray();
        return ImageFolderReader.LoadFlat(folder, solution, classes, name: $"imagefolder/{split}");
    }

    /// <summary>The dataset names <see cref="Load"/> accepts.</summary>
    public static IReadOnlyCollection<string> Names => Entries.Keys;

    /// <summary><c>$RMPSNN_DATA</c>, or <c>./data</c> (as a full path) if unset.</summary>
    public static string DataRoot => Environment.GetEnvironmentVariable(DataRootVariable) is { Length: > 0 } root
        ? root : Path.GetFullPath("data");

    /// <summary>
    /// Loads split <paramref name="split"/> (<c>train</c> or <c>test</c>; for <c>imagefolder</c> any sub-folder name, e.g. <c>val</c>)
    /// of dataset <paramref name="name"/> from <paramref name="root"/>, or from its default folder if null.
    /// </summary>
    public static ImageDataset Load(string name, string? root, string split)
    {
        var entry = Find(name);
        string folder = root ?? entry.DefaultRoot() ?? throw new RmpSnnException($"--root: dataset {name} has no default folder; {entry.Hint}");
        if (!Directory.Exists(folder))
            throw new RmpSnnException($"{folder}: folder not found; expected dataset {name} there ({entry.Hint})");
        return entry.Load(folder, split);
    }

    /// <summary>The folder <see cref="Load"/> reads when no root is given, or null if the dataset has none.</summary>
    public static string? DefaultRoot(string name) => Find(name).DefaultRoot();

    /// <summary>The per-channel normalisation models of dataset <paramref name="name"/> are trained with.</summary>
    public static Normalization DefaultNormalization(string name)
    {
        var entry = Find(name);
        return new Normalization((float[])entry.Mean.Clone(), (float[])entry.Std.Clone());
    }

    /// <summary>The train-time augmentation for dataset <paramref name="name"/>, or null for none.</summary>
    public static Augmentation? DefaultAugmentation(string name) => Find(name).Augmentation;

    static Entry Find(string name) => Entries.TryGetValue(name, out var entry) ? entry
        : throw new RmpSnnException($"--dataset {name}: unknown dataset; expected one of {string.Join(", ", Entries.Keys)}");

    static bool IsTrain(string split) => split switch
    {
        "train" => true,
        "test" => false,
        _ => throw new RmpSnnException($"--split {split}: expected train or test"),
    };
}
