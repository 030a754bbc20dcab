using System.IO.Compression;

namespace RmpSnn.Import;

/// <summary>
/// The <c>torch.save</c> layout from PyTorch 1.6 on: a zip archive whose single top folder holds <c>data.pkl</c>
/// (the pickled object) and <c>data/&lt;key&gt;</c> (the raw bytes of each storage), plus an optional <c>byteorder</c>.
/// </summary>
internal static class TorchZipFormat
{
    /// <summary>True if the stream starts with a zip local-file header.</summary>
    public static bool Sniff(ReadOnlySpan<byte> head) => head is [(byte)'P', (byte)'K', 0x03, 0x04, ..];

    /// <summary>Reads the pickled object and fills in the data of every storage it references.</summary>
    public static object? Read(Stream stream)
    {
        using var archive = Open(stream);
        var pkl = archive.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)
                                                      && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length)
                  ?? throw new InvalidDataException("zip archive has no <folder>/data.pkl: not a torch.save file");
        string prefix = pkl.FullName[..^"data.pkl".Length];
        if (archive.GetEntry(prefix + "byteorder") is { } order && System.Text.Encoding.ASCII.GetString(ReadAll(order)) != "little")
            throw new InvalidDataException("big-endian checkpoints are not supported");

        var storages = new Dictionary<string, TorchStorage>();
        object? root;
        using (var pickle = new MemoryStream(ReadAll(pkl)))
            root = new PickleReader(pickle, TorchPickle.ResolveGlobal, pid => TorchPickle.LoadStorage(pid, storages)).Load();

        foreach (var storage in storages.Values)
        {
            var entry = archive.GetEntry($"{prefix}data/{storage.Key}")
                        ?? throw new InvalidDataException($"storage entry data/{storage.Key} is missing");
            CheckSize(entry);
            if (entry.Length < storage.Numel * (double)storage.ElementSize)   // before allocating what the pickle claims
                throw new InvalidDataException($"storage entry data/{storage.Key} has {entry.Length} bytes, " +
                    $"expected {storage.Numel} elements of {storage.DType}");
            var data = storage.AllocateData();
            using var s = entry.Open();
            s.ReadExactly(data);
        }
        return root;
    }

    private static ZipArchive Open(Stream stream)
    {
        try
        {
            return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"truncated or corrupt zip archive ({e.Message.TrimEnd('.')})", e);
        }
    }

    /// <summary>
    /// Refuses an entry whose stated size no deflate stream of its compressed size can reach (at most 1032:1), so a corrupt
    /// directory cannot make the reader allocate more than ~1000× the file. torch.save stores entries uncompressed.
    /// </summary>
    private static void CheckSize(ZipArchiveEntry entry)
    {
        if (entry.Length > Array.MaxLength || entry.Length > 1032 * Math.Max(entry.CompressedLength, 1))
            throw new InvalidDataException($"zip entry {entry.FullName} claims {entry.Length} bytes from {entry.CompressedLength} stored");
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        CheckSize(entry);
        var buffer = new byte[entry.Length];
        using var s = entry.Open();
        s.ReadExactly(buffer);
        return buffer;
    }
}
