using CsCheck;
using System.Buffers.Binary;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Import;
using RmpSnn.Import.Onnx;
using RmpSnn.Models;
using RmpSnn.Tests.Data;
using RmpSnn.Tests.Import;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Fuzz;

/// <summary>
/// Every hand-written parser, fed mutations of a valid file (flipped bytes, cuts, random runs, inserted bytes, length fields
/// set to boundary values): it parses, or it throws the project's one-line <see cref="RmpSnnException"/>; nothing else is
/// thrown, no parse takes longer than a few seconds, and managed allocation stays within a bound set by the file size.
/// The mutants are a fixed sequence from CsCheck's PCG (the same in every run); <c>RMPSNN_FUZZ_ITERATIONS</c> (default 60 per
/// parser) runs longer.
/// </summary>
[Collection(SerialTorchRng.Name)]   // the model fixture seeds torch
public sealed class ParserFuzzTests(OnnxModels onnx, ITestOutputHelper output) : IClassFixture<OnnxModels>, IDisposable
{
    static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("RMPSNN_FUZZ_ITERATIONS"), out int n) ? n : 60;
    static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>One of five mutations of <paramref name="original"/>, chosen and shaped by <paramref name="seed"/>.</summary>
    public static byte[] Mutate(byte[] original, int seed)
    {
        var random = new Random(seed);
        var bytes = (byte[])original.Clone();
        int At() => random.Next(bytes.Length);
        switch (random.Next(5))
        {
            case 0:
                for (int i = random.Next(1, 9); i > 0; i--) bytes[At()] ^= (byte)(1 << random.Next(8));
                return bytes;
            case 1:
                return bytes[..random.Next(bytes.Length)];
            case 2:
            {
                int start = At(), length = Math.Min(random.Next(1, 64), bytes.Length - start);
                random.NextBytes(bytes.AsSpan(start, length));
                return bytes;
            }
            case 3:
            {
                int at = At();
                var inserted = new byte[random.Next(1, 32)];
                random.NextBytes(inserted);
                return [.. bytes[..at], .. inserted, .. bytes[at..]];
            }
            default:
            {
                // a length or count field set to a boundary value, little- or big-endian
                int at = random.Next(Math.Max(1, bytes.Length - 8));
                long value = new long[] { 0, -1, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, 1L << 40 }[random.Next(7)];
                var span = bytes.AsSpan(at, Math.Min(8, bytes.Length - at));
                if (span.Length == 8 && random.Next(2) == 0) BinaryPrimitives.WriteInt64LittleEndian(span, value);
                else if (span.Length >= 4) BinaryPrimitives.WriteInt32BigEndian(span, (int)value);
                return bytes;
            }
        }
    }

    /// <summary>
    /// Mutates <paramref name="valid"/> <see cref="Iterations"/> times, writes each to <paramref name="name"/> and parses it
    /// with <paramref name="parse"/>; returns how many mutants parsed.
    /// </summary>
    int Fuzz(string name, byte[] valid, Action<string> parse, string seed)
    {
        string path = _folder.File(name);
        File.WriteAllBytes(path, valid);
        parse(path);                                   // the unmutated file must parse, or the fuzzing proves nothing
        int parsed = 0, refused = 0;
        // the mutants are a fixed sequence from CsCheck's PCG seeded by the name, so every run, here and in CI, tries the same ones
        var pcg = new PCG(1, (ulong)name.Aggregate(seed.Aggregate(17L, (h, c) => unchecked(h * 31 + c)), (h, c) => unchecked(h * 31 + c)));
        foreach (int s in Enumerable.Range(0, Iterations).Select(_ => (int)pcg.Next()))
        {
            var bytes = Mutate(valid, s);
            File.WriteAllBytes(path, bytes);
            Exception? thrown = null;
            long allocated = 0;
            var run = Task.Run(() =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                try { parse(path); }
                catch (Exception e) { thrown = e; }
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            });
            if (!run.Wait(Limit)) throw new TimeoutException($"{name}: mutant {s} still parsing after {Limit.TotalSeconds} s");
            if (thrown is not null and not RmpSnnException)
                throw new Exception($"{name}: mutant {s} threw {thrown.GetType().Name}: {thrown.Message}", thrown);
            if (thrown is RmpSnnException e && (e.Message.Contains('\n') || e.Message.Length == 0))
                throw new Exception($"{name}: mutant {s} gave a message that is not one line: {e.Message}");
            long bound = 64L * Math.Max(bytes.Length, valid.Length) + (64 << 20);
            if (allocated > bound) throw new Exception($"{name}: mutant {s} allocated {allocated:N0} bytes for a {bytes.Length}-byte file");
            if (thrown is null) parsed++; else refused++;
        }
        output.WriteLine($"{name}: {Iterations} mutants, {parsed} parsed, {refused} refused with one line");
        return parsed;
    }

    static void Checkpoint(string path)
    {
        using var checkpoint = CheckpointReader.Read(path, CPU);
    }

    [Theory]
    [InlineData("legacy_plain.pt", "0FuzzLegacy01")]
    [InlineData("zip_plain.pt", "0FuzzZip00001")]
    [InlineData("tensors.safetensors", "0FuzzSafeTen1")]
    public void PyTorchCheckpointsAndSafetensors(string fixture, string seed) =>
        Fuzz(fixture, File.ReadAllBytes(ImportTestFiles.Fixture(fixture)), Checkpoint, seed);

    [Fact]
    public void ModelFiles()
    {
        string valid = _folder.File("valid.model");
        using (var network = ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10), seed: 2))
            ModelFile.Save(valid, network, new ModelInfo(network.Spec, Normalization.Identity(1), "fashion-mnist-sample"));
        byte[] bytes = File.ReadAllBytes(valid);
        Fuzz("mutant.model", bytes, path => ModelFile.Load(path, CPU).Network.Dispose(), "0FuzzModel001");
        // without the checksum trailer (files written before it), so that mutations reach the payload parser
        Fuzz("mutant-unchecked.model", bytes[..^40], path => ModelFile.Load(path, CPU).Network.Dispose(), "0FuzzModel002");
    }

    [Fact]
    public void IdxImageAndLabelFiles()
    {
        var images = new byte[16 + 5 * 4 * 3];
        BinaryPrimitives.WriteInt32BigEndian(images, 0x803);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), 5);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), 4);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), 3);
        new Random(1).NextBytes(images.AsSpan(16));
        Fuzz("images-idx3-ubyte", images, path => IdxReader.ReadImages(path), "0FuzzIdxImg01");
        byte[] labels = [0, 0, 8, 1, 0, 0, 0, 5, 3, 1, 4, 1, 5];
        Fuzz("labels-idx1-ubyte", labels, path => IdxReader.ReadLabels(path), "0FuzzIdxLab01");
    }

    [Fact]
    public void CifarRecords()
    {
        var records = new byte[4 * 3073];
        new Random(2).NextBytes(records);
        for (int r = 0; r < 4; r++) records[r * 3073] = (byte)r;
        Directory.CreateDirectory(_folder.File("cifar"));
        Fuzz(Path.Combine("cifar", "test_batch.bin"), records, path => CifarReader.Load10(Path.GetDirectoryName(path)!, train: false),
            "0FuzzCifar001");
    }

    [Fact]
    public void ConvertedThresholdFiles()
    {
        string valid = _folder.File("valid.snn.json");
        new BalancedThresholds("m.model", new string('a', 64), "smallcnn", NormMode.ActMax, 99.9, 100, 64, RmpSnn.Snn.InputCoding.Direct,
            RmpSnn.Snn.ReadoutMode.Potential, MaxPoolMode.Gate,
            new Dictionary<RmpSnn.Snn.ResetMode, IReadOnlyDictionary<string, float>> { [RmpSnn.Snn.ResetMode.Soft] = new Dictionary<string, float> { ["layers.1"] = 1.5f } })
            .Save(valid);
        Fuzz("mutant.snn.json", File.ReadAllBytes(valid), path => BalancedThresholds.Load(path), "0FuzzJson0001");
    }

    [Fact]
    public void OnnxModels() =>
        Fuzz("mutant.onnx", File.ReadAllBytes(onnx.File("resnet-op13-fold.onnx")), path => OnnxImporter.Import(path).Dispose(), "0FuzzOnnx0001");
}
