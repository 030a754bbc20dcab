using System.Text.Json;
using RmpSnn.Import;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Import;

/// <summary>Every committed fixture (written by make_fixtures.py with PyTorch) reads back exactly as expected.json says.</summary>
public class FixtureCheckpointTests
{
    private static readonly JsonElement Expected =
        JsonDocument.Parse(File.ReadAllBytes(ImportTestFiles.Fixture("expected.json"))).RootElement;

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var p in Expected.EnumerateObject()) data.Add(p.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ReadsFormatKeysAndPrefix(string fixture)
    {
        var expected = Expected.GetProperty(fixture);
        using var cp = CheckpointReader.Read(ImportTestFiles.Fixture(fixture));
        Assert.Equal(expected.GetProperty("format").GetString(), cp.Format.ToString());
        Assert.Equal(expected.GetProperty("stateDictKey").GetString(), cp.StateDictKey);
        Assert.Equal(expected.GetProperty("strippedPrefix").GetString(), cp.StrippedPrefix);
        Assert.Equal(expected.GetProperty("tensors").EnumerateObject().Select(p => p.Name), cp.Tensors.Keys);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ReadsEveryValueExactly(string fixture)
    {
        using var cp = CheckpointReader.Read(ImportTestFiles.Fixture(fixture));
        foreach (var p in Expected.GetProperty(fixture).GetProperty("tensors").EnumerateObject())
        {
            var t = cp.Tensors[p.Name];
            Assert.Equal(p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()), t.shape);
            Assert.True(t.is_contiguous(), p.Name);
            var values = p.Value.GetProperty("values").EnumerateArray();
            if (p.Value.GetProperty("dtype").GetString() == "int64")
            {
                Assert.Equal(ScalarType.Int64, t.dtype);
                Assert.Equal(values.Select(v => v.GetInt64()), Values<long>(t));
            }
            else
            {
                Assert.Equal(ScalarType.Float32, t.dtype);
                Assert.Equal(values.Select(v => (float)v.GetDouble()), Values<float>(t));
            }
        }
    }

    /// <summary>The flattened values; TorchSharp's accessor throws on empty tensors.</summary>
    private static T[] Values<T>(Tensor t) where T : unmanaged => t.numel() == 0 ? [] : t.data<T>().ToArray();

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ReadsMetadata(string fixture)
    {
        using var cp = CheckpointReader.Read(ImportTestFiles.Fixture(fixture));
        var expected = Expected.GetProperty(fixture).GetProperty("metadata").EnumerateObject().ToList();
        Assert.Equal(expected.Select(p => p.Name).Order(), cp.Metadata.Keys.Order());
        foreach (var p in expected)
        {
            object value = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.True or JsonValueKind.False => p.Value.GetBoolean(),
                JsonValueKind.Number when p.Value.TryGetInt64(out long l) => l,
                _ => p.Value.GetDouble(),
            };
            Assert.Equal(value, cp.Metadata[p.Name]);
        }
    }

    [Fact]
    public void ViewsSharingOneStorageBecomeIndependentTensors()
    {
        using var cp = CheckpointReader.Read(ImportTestFiles.Fixture("legacy_dtypes.pt"));
        cp.Tensors["base"].zero_();
        Assert.NotEqual(0f, cp.Tensors["transposed"].abs().sum().item<float>());
    }

    [Fact]
    public void PlacesTensorsOnTheRequestedDevice()
    {
        using var cp = CheckpointReader.Read(ImportTestFiles.Fixture("zip_plain.pt"), CPU);
        Assert.All(cp.Tensors.Values, t => Assert.Equal(TorchSharp.DeviceType.CPU, t.device_type));
    }
}
