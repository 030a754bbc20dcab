using System.Buffers.Binary;
using System.Numerics;

namespace RmpSnn.Import;

/// <summary>
/// The pre-1.6 <c>torch.save</c> layout: pickles of the magic number, the protocol version (1001), sys_info and the
/// object, then a pickle of the storage keys, then for each key an int64 element count followed by the raw bytes.
/// </summary>
internal static class TorchLegacyFormat
{
    private static readonly BigInteger Magic = BigInteger.Parse("1950A86A20F9469CFC6C", System.Globalization.NumberStyles.HexNumber);
    private const long ProtocolVersion = 1001;

    /// <summary>True if the stream starts like a legacy file: PROTO 2, then LONG1 with the 10-byte magic number.</summary>
    public static bool Sniff(ReadOnlySpan<byte> head) => head is [0x80, 0x02, 0x8a, 0x0a, ..];

    /// <summary>Reads the pickled object and fills in the data of every storage it references.</summary>
    public static object? Read(Stream stream)
    {
        var storages = new Dictionary<string, TorchStorage>();
        var reader = new PickleReader(stream, TorchPickle.ResolveGlobal, pid => TorchPickle.LoadStorage(pid, storages));
        if (reader.Load() is not BigInteger magic || magic != Magic)
            throw new InvalidDataException("bad magic number: not a legacy torch.save file");
        if (reader.Load() is not ProtocolVersion)
            throw new InvalidDataException($"unsupported legacy protocol version (expected {ProtocolVersion})");
        if (reader.Load() is PickleDict sysInfo && sysInfo.TryGetValue("little_endian", out var le) && le is false)
            throw new InvalidDataException("big-endian checkpoints are not supported");
        var root = reader.Load();
        if (reader.Load() is not List<object?> keys || keys.Any(k => k is not string))
            throw new InvalidDataException("malformed list of storage keys");

        Span<byte> countBytes = stackalloc byte[8];
        foreach (string key in keys.Cast<string>())
        {
            if (!storages.TryGetValue(key, out var storage))
                throw new InvalidDataException($"storage '{key}' is listed but never referenced");
            stream.ReadExactly(countBytes);
            long count = BinaryPrimitives.ReadInt64LittleEndian(countBytes);
            if (count != storage.Numel)
                throw new InvalidDataException($"storage '{key}' holds {count} elements, expected {storage.Numel}");
            if (count * storage.ElementSize > stream.Length - stream.Position) throw new EndOfStreamException();
            stream.ReadExactly(storage.AllocateData());
        }
        return root;
    }
}
