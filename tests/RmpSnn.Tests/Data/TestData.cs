using RmpSnn.Data;

namespace RmpSnn.Tests.Data;

/// <summary>Locates the real datasets the tests read; a missing one fails the test with how to provide it.</summary>
static class TestData
{
    public const string FashionMnist = DatasetCatalog.DebianFashionMnistRoot;

    /// <summary><c>$RMPSNN_DATA</c>, or <c>&lt;repo&gt;/data</c>.</summary>
    public static string DataRoot =>
        Environment.GetEnvironmentVariable(DatasetCatalog.DataRootVariable) is { Length: > 0 } root ? root : Path.Combine(RepoRoot, "data");

    public static string Cifar10 => Require(Path.Combine(DataRoot, "cifar-10-batches-bin"), "data_batch_1.bin",
        $"run ../shared/data/unpack {DataRoot} (or set {DatasetCatalog.DataRootVariable})");

    public static string Cifar100 => Require(Path.Combine(DataRoot, "cifar-100-binary"), "train.bin",
        $"run ../shared/data/unpack {DataRoot} (or set {DatasetCatalog.DataRootVariable})");

    public static string DebianFashionMnist => Require(FashionMnist, "train-images-idx3-ubyte.gz", "apt-get install dataset-fashion-mnist");

    /// <summary>The shipped sample as committed in the repository (not the copy in the build output).</summary>
    public static string RepoSample => Path.Combine(RepoRoot, "samples", "fashion-mnist-sample");

    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "RmpSnn.slnx"))) return dir.FullName;
            throw new InvalidOperationException($"no RmpSnn.slnx above {AppContext.BaseDirectory}");
        }
    }

    static string Require(string folder, string marker, string howTo)
    {
        if (!File.Exists(Path.Combine(folder, marker)))
            Assert.Fail($"test data missing: {Path.Combine(folder, marker)} not found; {howTo}");
        return folder;
    }

    /// <summary>How many labels of each class, classes 0..classes-1.</summary>
    public static int[] ClassCounts(ImageDataset data)
    {
        var counts = new int[data.Classes];
        foreach (int label in data.Labels) counts[label]++;
        return counts;
    }
}

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("rmpsnn-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

static class UserError
{
    /// <summary>
    /// Asserts <paramref name="action"/> throws a one-line <see cref="RmpSnnException"/> naming <paramref name="path"/>
    /// and saying <paramref name="phrase"/>.
    /// </summary>
    public static void Expect(Action action, string path, string phrase)
    {
        var e = Assert.Throws<RmpSnnException>(action);
        Assert.True(e.Message.Contains(path) && e.Message.Contains(phrase) && !e.Message.Contains('\n'),
            $"expected a one-line message naming {path} and saying \"{phrase}\", got: {e.Message}");
    }
}
