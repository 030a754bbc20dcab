using System.Numerics;
using RmpSnn.Import;

namespace RmpSnn.Tests.Import;

/// <summary>The pickle VM on hand-picked pickles (bytes from Python's <c>pickle.dumps</c>).</summary>
public class PickleReaderTests
{
    private static object? Load(string hex) =>
        new PickleReader(new MemoryStream(Convert.FromHexString(hex)), TorchPickle.ResolveGlobal, _ => null).Load();

    [Fact]
    public void ReadsPythonValues()
    {
        // pickle.dumps({'a': [1, -2, 3.5, None, True, 'é', b'xy', (1,2,3), 2**70, 300, 70000]}, protocol=3)
        var dict = Assert.IsType<PickleDict>(Load(
            "80037d710058010000006171015d7102284b014afeffffff47400c0000000000004e885802000000c3a971034302787971044b014b02"
            + "4b038771058a090000000000000000404d2c014a7011010065732e"));
        var list = Assert.IsType<List<object?>>(dict["a"]);
        Assert.Equal<object?>([1L, -2L, 3.5, null, true, "é"], list[..6]);
        Assert.Equal("xy"u8.ToArray(), list[6]);
        Assert.Equal(new object?[] { 1L, 2L, 3L }, list[7]);
        Assert.Equal(BigInteger.Pow(2, 70), list[8]);
        Assert.Equal<object?>([300L, 70000L], list[9..]);
    }

    [Fact]
    public void RejectsGlobalsOutsideTheWhitelist()
    {
        // pickle.dumps(os.system, protocol=2)
        var e = Assert.Throws<InvalidDataException>(() => Load("800263706f7369780a73797374656d0a71002e"));
        Assert.Contains("unsupported pickle global 'posix.system'", e.Message);
    }

    [Fact]
    public void RejectsUnknownOpcodes() =>
        Assert.Contains("unsupported pickle opcode 0x69", Assert.Throws<InvalidDataException>(() => Load("800269")).Message);

    [Fact]
    public void TruncatedPickleEndsTheStream() => Assert.Throws<EndOfStreamException>(() => Load("80027d71"));

    [Fact]
    public void RejectsTensorsReachingBeyondTheirStorage()
    {
        var rebuild = Assert.IsType<PickleCallable>(TorchPickle.ResolveGlobal("torch._utils", "_rebuild_tensor_v2"));
        var storage = new TorchStorageSlice(new TorchStorage("0", TorchSharp.torch.ScalarType.Float32, 4), 0);
        var e = Assert.Throws<InvalidDataException>(() =>
            rebuild.Invoke([storage, 0L, new object?[] { 3L }, new object?[] { 2L }, false, null]));
        Assert.Contains("beyond its storage", e.Message);
        Assert.IsType<TorchTensorRef>(rebuild.Invoke([storage, 1L, new object?[] { 3L }, new object?[] { 1L }, false, null]));
    }
}
