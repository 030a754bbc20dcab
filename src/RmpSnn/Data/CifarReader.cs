namespace RmpSnn.Data;

/// <summary>
/// Reads CIFAR-10 and CIFAR-100 in their original binary format: back-to-back records of label byte(s) followed by
/// 3072 pixel bytes (1024 red, 1024 green, 1024 blue; each plane 32×32 row-major).
/// </summary>
public static class CifarReader
{
    const int Side = 32;
    const int ImageBytes = 3 * Side * Side;

    /// <summary>
    /// Loads CIFAR-10 from <paramref name="directory"/> (the <c>cifar-10-batches-bin</c> folder): training from
    /// <c>data_batch_1.bin</c>..<c>data_batch_5.bin</c>; test from <c>test_batch.bin</c>, or, if absent,
    /// <c>test_batch_first1000.bin</c> (the first 1000 test records only; the dataset is then named <c>cifar10/test-first1000</c>).
    /// </summary>
    public static ImageDataset Load10(string directory, bool train)
    {
        if (train)
            return Read("cifar10/train", Enumerable.Range(1, 5).Select(i => Path.Combine(directory, $"data_batch_{i}.bin")).ToArray(),
                [10], labelIndex: 0);
        string full = Path.Combine(directory, "test_batch.bin");
        if (File.Exists(full)) return Read("cifar10/test", [full], [10], labelIndex: 0);
        string first1000 = Path.Combine(directory, "test_batch_first1000.bin");
        DataFile.RequireFile(first1000, "the CIFAR-10 test records in test_batch.bin or test_batch_first1000.bin");
        return Read("cifar10/test-first1000", [first1000], [10], labelIndex: 0);
    }

    /// <summary>
    /// Loads CIFAR-100 from <paramref name="directory"/> (the <c>cifar-100-binary</c> folder, <c>train.bin</c> / <c>test.bin</c>)
    /// with its 100 fine labels, or with the 20 coarse labels if <paramref name="coarse"/>.
    /// </summary>
    public static ImageDataset Load100(string directory, bool train, bool coarse = false)
    {
        string split = train ? "train" : "test";
        return Read($"{(coarse ? "cifar100-coarse" : "cifar100")}/{split}", [Path.Combine(directory, $"{split}.bin")],
            [20, 100], labelIndex: coarse ? 0 : 1);
    }

    /// <summary>
    /// Reads records of <c>labelClasses.Length</c> label bytes (byte i in [0, labelClasses[i])) plus one image,
    /// keeping label byte <paramref name="labelIndex"/>.
    /// </summary>
    static ImageDataset Read(string name, string[] files, int[] labelClasses, int labelIndex)
    {
        int recordBytes = labelClasses.Length + ImageBytes;
        int[] counts = files.Select(file => RecordCount(file, recordBytes)).ToArray();
        int total = counts.Sum();
        var pixels = new byte[(long)total * ImageBytes];
        var labels = new int[total];
        var header = new byte[labelClasses.Length];
        int n = 0;
        for (int f = 0; f < files.Length; f++)
        {
            using var stream = new FileStream(files[f], FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20);
            for (int record = 0; record < counts[f]; record++, n++)
            {
                stream.ReadExactly(header);
                for (int i = 0; i < header.Length; i++)
                    if (header[i] >= labelClasses[i])
                        throw new RmpSnnException(
                            $"{files[f]}: record {record} has label {header[i]} in byte {i}; expected 0..{labelClasses[i] - 1}");
                labels[n] = header[labelIndex];
                stream.ReadExactly(pixels, n * ImageBytes, ImageBytes);
            }
        }
        return new ImageDataset(name, pixels, labels, 3, Side, Side, labelClasses[labelIndex]);
    }

    /// <summary>Number of records in <paramref name="file"/>, whose length must be a whole number of records.</summary>
    static int RecordCount(string file, int recordBytes)
    {
        DataFile.RequireFile(file, $"a CIFAR binary file of {recordBytes}-byte records");
        long length;
        using (var stream = File.OpenRead(file)) length = stream.Length;   // a symbolic link's target, not the link
        if (length % recordBytes != 0)
            throw new RmpSnnException(
                $"{file}: truncated record: {length} bytes is not a multiple of the {recordBytes}-byte record size " +
                $"(expected {length / recordBytes * recordBytes} or {(length / recordBytes + 1) * recordBytes})");
        return checked((int)(length / recordBytes));
    }
}
