namespace RmpSnn.Tests.Import;

/// <summary>Locates the committed fixtures (copied to the test output) and the project's shared/ folder.</summary>
internal static class ImportTestFiles
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Import", "fixtures", name);

    /// <summary>The real pretrained ResNet-20: shared/ lies beside the repository (or one of its worktrees).</summary>
    public static string ResNet20 { get; } = FindAbove(Path.Combine("shared", "models", "resnet20-12fca82f.th"));

    /// <summary>A script of the repository's experiments/ folder, e.g. <c>make_cifar_resnets.py</c>.</summary>
    public static string Experiment(string name) => FindAbove(Path.Combine("experiments", name));

    private static string FindAbove(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>A temporary file deleted on dispose.</summary>
    public sealed class TempFile : IDisposable
    {
        public TempFile(byte[] contents, string extension)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"rmpsnn-import-{Guid.NewGuid():N}{extension}");
            File.WriteAllBytes(Path, contents);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
