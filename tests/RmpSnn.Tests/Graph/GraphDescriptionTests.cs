using System.Text.Json;
using RmpSnn.Data;
using RmpSnn.Graph;
using RmpSnn.Models;
using RmpSnn.Tests.Data;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Graph;

[Collection(SerialTorchRng.Name)]   // seeds torch's global generator
public sealed class GraphDescriptionTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("rmpsnn-graph-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static void SameStructure(NetworkGraph expected, NetworkGraph actual)
    {
        Assert.Equal(expected.Nodes.Select(n => (n.Name, n.Op)), actual.Nodes.Select(n => (n.Name, n.Op)));
        foreach (var node in expected.Nodes)
            Assert.Equal(expected.InputsOf(node).Select(i => i.Name), actual.InputsOf(actual[node.Name]).Select(i => i.Name));
        Assert.Equal(expected.Output.Name, actual.Output.Name);
    }

    [Theory]
    [InlineData("smallcnn", 1, 28, false, false, null, "relu")]
    [InlineData("resnet20", 3, 32, true, false, null, "relu")]
    [InlineData("resnet20", 3, 32, true, false, "B", "qcfs")]
    [InlineData("resnet18", 3, 96, true, true, null, "relu")]
    [InlineData("vgg9", 3, 32, false, true, null, "relu")]
    public void ZooGraphsRoundTripThroughTheirDescription(string arch, int channels, int size, bool batchNorm, bool maxPool, string? shortcut,
        string activation)
    {
        using var net = ModelZoo.Create(new ModelSpec(arch, channels, size, 10, batchNorm, Bias: true, MaxPool: maxPool, Shortcut: shortcut,
            Activation: activation), seed: 1);
        string json = JsonSerializer.Serialize(GraphDescription.Of(net.Graph));
        var rebuilt = JsonSerializer.Deserialize<GraphDescription>(json)!.Build();
        SameStructure(net.Graph, rebuilt);
        using var copy = new Network(net.Spec, rebuilt);
        var expected = net.state_dict();
        var actual = copy.state_dict();
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.All(expected, p => Assert.Equal(p.Value.shape, actual[p.Key].shape));
    }

    [Fact]
    public void AModelFileKeepsAGraphTheZooCannotBuild()
    {
        using var net = NewTopologyConversionTests.Build("linear-bottleneck", seed: 5);
        string path = Path.Combine(_dir, "bottleneck.model");
        ModelFile.Save(path, net, new ModelInfo(net.Spec, TinyNetworks.Normalization, "random"));
        var (loaded, info) = ModelFile.Load(path, CPU);
        using (loaded)
        using (no_grad())
        using (var x = randn(4, 3, 8, 8))
        {
            Assert.NotNull(info.Graph);
            SameStructure(net.Graph, loaded.Graph);
            TensorAssert.SameState(net, loaded);
            Assert.True(TensorAssert.Same(net.call(x), loaded.call(x)));
        }
    }

    [Fact]
    public void AnUnknownOperationOrMissingAttributeIsNamed()
    {
        var unknown = new GraphDescription([new("input", "Input", [], new Dictionary<string, double[]> { ["shape"] = [1, 4, 4] }),
            new("features.0", "Gelu", ["input"])], "features.0");
        UserError.Expect(() => unknown.Build(), "features.0", "unknown operation 'Gelu'");
        var missing = new GraphDescription([new("input", "Input", [])], "input");
        UserError.Expect(() => missing.Build(), "input", "needs the attribute 'shape'");
    }
}
