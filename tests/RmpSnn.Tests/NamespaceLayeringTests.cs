using System.Text.RegularExpressions;
using RmpSnn.Tests.Data;

namespace RmpSnn.Tests;

/// <summary>The library's namespaces follow the pipeline: each uses only namespaces of a lower layer, so there is no cycle.</summary>
public partial class NamespaceLayeringTests
{
    static readonly Dictionary<string, int> Layer = new()
    {
        ["Data"] = 0, ["Graph"] = 0, ["Models"] = 1, ["Training"] = 2, ["Import"] = 2, ["Snn"] = 2,
        ["Conversion"] = 3, ["Evaluation"] = 4, ["Export"] = 4, ["Experiments"] = 5,
    };

    [GeneratedRegex(@"\bRmpSnn\.(\w+)\b")]
    private static partial Regex Reference();

    [Fact]
    public void EveryNamespaceUsesOnlyLowerLayers()
    {
        string library = Path.Combine(TestData.RepoRoot, "src", "RmpSnn");
        var violations = new List<string>();
        foreach (var (folder, layer) in Layer)
            foreach (string file in Directory.EnumerateFiles(Path.Combine(library, folder), "*.cs", SearchOption.AllDirectories))
                foreach (Match m in Reference().Matches(File.ReadAllText(file)))
                    if (Layer.TryGetValue(m.Groups[1].Value, out int used) && m.Groups[1].Value != folder && used >= layer)
                        violations.Add($"{Path.GetRelativePath(library, file)} uses RmpSnn.{m.Groups[1].Value}");
        Assert.True(violations.Count == 0, string.Join("; ", violations.Distinct()));
    }
}
