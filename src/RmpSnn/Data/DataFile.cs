using System.IO.Compression;

namespace RmpSnn.Data;

/// <summary>Reads whole data files, gzip-compressed or raw, with one-line errors that name the file.</summary>
static class DataFile
{
    /// <summary>The bytes of <paramref name="path"/>, decompressed if the file starts with the gzip magic 1f 8b.</summary>
    public static byte[] ReadAll(string path, string expected)
    {
        RequireFile(path, expected);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b) return bytes;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var raw = new MemoryStream();
            gzip.CopyTo(raw);
            return raw.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new RmpSnnException($"{path}: corrupt gzip data; expected {expected}", e);
        }
    }

    /// <summary>The last component of <paramref name="directory"/>, e.g. <c>fashion-mnist</c>: the default dataset name.</summary>
    public static string FolderName(string directory) =>
        Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));

    /// <summary>Throws a <see cref="RmpSnnException"/> naming <paramref name="path"/> if the file does not exist.</summary>
    public static void RequireFile(string path, string expected)
    {
        if (!File.Exists(path)) throw new RmpSnnException($"{path}: file not found; expected {expected}");
    }
}
