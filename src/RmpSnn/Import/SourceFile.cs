using System.Security.Cryptography;

namespace RmpSnn.Import;

/// <summary>Where imported weights came from, for <c>ModelInfo.Metadata</c>.</summary>
public static class SourceFile
{
    /// <summary><c>source</c> (full path), <c>sourceSha256</c> and <c>sourceFormat</c> of the file at <paramref name="path"/>.</summary>
    public static Dictionary<string, string> Provenance(string path, string format)
    {
        using var stream = File.OpenRead(path);
        return new Dictionary<string, string>
        {
            ["source"] = Path.GetFullPath(path),
            ["sourceSha256"] = Convert.ToHexStringLower(SHA256.HashData(stream)),
            ["sourceFormat"] = format,
        };
    }
}
