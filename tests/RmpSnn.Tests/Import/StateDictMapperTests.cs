using RmpSnn.Export;
using RmpSnn.Graph;
using RmpSnn.Import;
using RmpSnn.Models;
using RmpSnn.Tests.Data;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Import;

/// <summary>PyTorch state dicts written under their own key names import into RmpSnn networks that compute the same function.</summary>
public class StateDictMapperTests
{
    [Fact]
    public void ResNetKeyMapFollowsTheDocumentedLayout()
    {
        using var network = ModelZoo.Create(new ModelSpec("resnet20", 3, 32, 10, BatchNorm: true, Bias: true, Shortcut: "B"));
        var map = StateDictMapper.KeyMap(network, []).ToDictionary(m => m.Target, m => m.Source);
        Assert.Equal("conv1.weight", map["layers.0.weight"]);
        Assert.Equal("bn1.running_var", map["layers.1.running_var"]);
        Assert.Equal("layer1.0.conv1.weight", map["layers.3.main.0.weight"]);
        Assert.Equal("layer2.0.bn2.bias", map["layers.6.main.4.bias"]);
        Assert.Equal("layer2.0.shortcut.0.weight", map["layers.6.shortcut.0.weight"]);
        Assert.Equal("layer2.0.shortcut.1.num_batches_tracked", map["layers.6.shortcut.1.num_batches_tracked"]);
        Assert.Equal("layer3.2.conv2.weight", map["layers.11.main.3.weight"]);
        Assert.Equal("linear.bias", map["layers.14.bias"]);
        Assert.Equal(network.state_dict().Count, map.Count);
    }

    [Theory]
    [InlineData(32, false)]
    [InlineData(56, true)]
    public void AkamasterResNetImportsAndComputesTheSameLogits(int depth, bool optionB)
    {
        var sd = AkamasterResNet.StateDict(depth, optionB, seed: depth);
        using var folder = new TempFolder();
        string path = folder.File($"resnet{depth}.safetensors");
        SafetensorsFile.Write(path, sd.Select(p => KeyValuePair.Create("module." + p.Key, p.Value)));

        using var checkpoint = CheckpointReader.Read(path);
        var spec = CheckpointImporter.InferSpec(checkpoint, $"resnet{depth}");
        Assert.Equal(new ModelSpec($"resnet{depth}", 3, 32, 10, BatchNorm: true, Bias: true, Dropout: 0, Shortcut: optionB ? "B" : "A"), spec);
        using var network = CheckpointImporter.Import(checkpoint, spec);
        using var _ = no_grad();
        using var x = randn(4, 3, 32, 32, generator: new TorchSharp.torch.Generator(7));
        using var expected = AkamasterResNet.Forward(sd, depth, optionB, x);
        using var actual = network.call(x);
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-5 * expected.abs().max().item<float>()),
            $"max |diff| {(actual - expected).abs().max().item<float>()} for logits up to {expected.abs().max().item<float>()}");
        foreach (var t in sd.Values) t.Dispose();
    }

    [Fact]
    public void VggModulesAreMatchedInOrderOfAppearance()
    {
        // chengyangfu/pytorch-vgg-cifar10 layout: conv biases, no BN, classifier = Dropout, Linear, ReLU, Dropout, Linear, ReLU, Linear.
        using var network = ModelZoo.Create(new ModelSpec("vgg9", 3, 32, 10, Bias: true, Dropout: 0));
        var convs = network.Graph.Nodes.OfType<Conv2dNode>().ToList();
        var linears = network.Graph.Nodes.OfType<LinearNode>().ToList();
        var sd = new OrderedDictionary<string, Tensor>();
        int index = 0;
        foreach (var (conv, i) in convs.Select((c, i) => (c, i)))
        {
            sd[$"features.{index}.weight"] = randn(conv.Weight.shape);
            sd[$"features.{index}.bias"] = randn(conv.Bias!.shape);
            index += i % 2 == 0 ? 2 : 3; // conv, ReLU (, pool): the numbering has gaps
        }
        int[] classifier = [1, 4, 6];
        for (int i = 0; i < linears.Count; i++)
        {
            sd[$"classifier.{classifier[i]}.weight"] = randn(linears[i].Weight.shape);
            sd[$"classifier.{classifier[i]}.bias"] = randn(linears[i].Bias!.shape);
        }
        using var folder = new TempFolder();
        string path = folder.File("vgg9.safetensors");
        SafetensorsFile.Write(path, sd);

        using var checkpoint = CheckpointReader.Read(path);
        var spec = CheckpointImporter.InferSpec(checkpoint, "vgg9");
        Assert.Equal(network.Spec, spec);
        using var imported = CheckpointImporter.Import(checkpoint, spec);
        var importedConvs = imported.Graph.Nodes.OfType<Conv2dNode>().ToList();
        var importedLinears = imported.Graph.Nodes.OfType<LinearNode>().ToList();
        var sources = sd.Keys.Where(k => k.EndsWith(".weight")).ToList();
        var targets = importedConvs.Select(c => c.Weight).Concat(importedLinears.Select(l => l.Weight)).ToList();
        Assert.Equal(sources.Count, targets.Count);
        for (int i = 0; i < sources.Count; i++)
            Assert.True(TensorAssert.Same(targets[i], sd[sources[i]]), $"{sources[i]} was not loaded into weight #{i}");
        Assert.True(TensorAssert.Same(importedLinears[^1].Bias!, sd["classifier.6.bias"]));
        foreach (var t in sd.Values) t.Dispose();
    }
}
