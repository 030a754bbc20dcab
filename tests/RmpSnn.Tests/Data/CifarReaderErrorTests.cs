using RmpSnn.Data;

namespace RmpSnn.Tests.Data;

public sealed class CifarReaderErrorTests : IDisposable
{
    const int Record10 = 1 + 3072, Record100 = 2 + 3072;
    readonly TempFolder _dir = new();
    public void Dispose() => _dir.Dispose();

    /// <summary>Writes records whose label bytes are <paramref name="labels"/> (each array one record) and zero pixels.</summary>
    string WriteRecords(string name, params byte[][] labels)
    {
        using var file = File.Create(_dir.File(name));
        foreach (var record in labels)
        {
            file.Write(record);
            file.Write(new byte[3072]);
        }
        return _dir.File(name);
    }

    [Fact]
    public void ReadsFullTestBatchWhenPresent()
    {
        WriteRecords("test_batch.bin", [7], [2]);
        var test = CifarReader.Load10(_dir.Path, train: false);
        Assert.Equal(("cifar10/test", 2), (test.Name, test.Count));
        Assert.Equal([7, 2], test.Labels);
    }

    [Fact]
    public void TruncatedRecord()
    {
        for (int i = 1; i <= 5; i++) WriteRecords($"data_batch_{i}.bin", [1]);
        string bad = _dir.File("data_batch_3.bin");
        File.AppendAllText(bad, "x");
        UserError.Expect(() => CifarReader.Load10(_dir.Path, train: true), bad, $"truncated record: {Record10 + 1} bytes");
        UserError.Expect(() => CifarReader.Load10(_dir.Path, train: true), bad, $"{Record10}-byte record size");
    }

    [Fact]
    public void TruncatedCifar100Record()
    {
        string path = WriteRecords("test.bin", [1, 2]);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..(Record100 - 1)]);
        UserError.Expect(() => CifarReader.Load100(_dir.Path, train: false), path, "truncated record");
    }

    [Fact]
    public void Cifar10LabelOutOfRange()
    {
        string path = WriteRecords("test_batch_first1000.bin", [9], [10]);
        UserError.Expect(() => CifarReader.Load10(_dir.Path, train: false), path, "record 1 has label 10");
    }

    [Theory]
    [InlineData(19, 100, "label 100 in byte 1")]
    [InlineData(20, 99, "label 20 in byte 0")]
    public void Cifar100LabelOutOfRange(byte coarse, byte fine, string phrase)
    {
        string path = WriteRecords("train.bin", [coarse, fine]);
        UserError.Expect(() => CifarReader.Load100(_dir.Path, train: true), path, phrase);
    }

    [Fact]
    public void MissingTestBatch() =>
        UserError.Expect(() => CifarReader.Load10(_dir.Path, train: false), _dir.File("test_batch_first1000.bin"), "test_batch.bin or");

    [Fact]
    public void MissingBatch()
    {
        for (int i = 1; i <= 4; i++) WriteRecords($"data_batch_{i}.bin", [1]);
        UserError.Expect(() => CifarReader.Load10(_dir.Path, train: true), _dir.File("data_batch_5.bin"), "file not found");
    }
}
