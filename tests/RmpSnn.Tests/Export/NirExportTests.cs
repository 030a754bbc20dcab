using System.Text.Json;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Export;
using RmpSnn.Graph;
using RmpSnn.Models;
using RmpSnn.Snn;
using RmpSnn.Tests.Data;
using RmpSnn.Tests.Import;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Export;

/// <summary>
/// The exported NIR graph, run by an independent discrete-time NIR interpreter (experiments/nir_reference.py on h5py
/// and PyTorch), gives RmpSnn's output currents and spike counts: residual blocks (identity and option A), BatchNorm,
/// pooling and both resets.
/// </summary>
[Collection(SerialTorchRng.Name)]   // TinyNetworks seeds torch's global generator
public sealed class NirExportTests(ITestOutputHelper output) : IDisposable
{
    const int Steps = 48, Images = 4;
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("residual", ResetMode.Soft)]
    [InlineData("residual", ResetMode.Hard)]
    [InlineData("smallcnn", ResetMode.Soft)]
    [InlineData("smallcnn", ResetMode.Hard)]
    [InlineData("smallcnn-normalised", ResetMode.Soft)]
    public void AReferenceNirInterpreterReproducesTheSnn(string network, ResetMode reset)
    {
        // the residual net has identity and option-A blocks and BatchNorm; smallcnn is the demo's CNN on the shipped sample;
        // normalised: RmpSnn folds the sample's mean/std into the first conv, the file keeps it unfolded for normalised input
        // (as `export --encoding direct` writes it), exact at the zero-padded border where the folded bias map is not constant
        var ann = network == "residual"
            ? TinyNetworks.Build(seed: 41, batchNorm: true)
            : ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10), seed: 41);
        ann.eval();
        var data = network == "residual" ? TinyNetworks.Images(64, seed: 42) : DatasetCatalog.Load("fashion-mnist-sample", null, "train").Take(64);
        var identity = Normalization.Identity(data.Channels);
        var normalization = network.EndsWith("normalised") ? DatasetCatalog.DefaultNormalization("fashion-mnist-sample") : identity;
        Assert.Equal(network.EndsWith("normalised"), !normalization.IsIdentity);
        var graph = Converter.Convert(ann, normalization, new ConversionOptions());
        var neurons = new NeuronOptions(reset, ResetPotential: reset == ResetMode.Hard ? 0.1f : 0f);
        using var snn = SpikingNetwork.Compile(graph, ann.Spec, ReadoutMode.Potential, neurons, SimulationEngine.Reference, CPU);
        var thresholds = ThresholdBalancer.Balance(snn, ann, data, normalization, new BalancingOptions(NormMode.ActMax, CalibrationImages: 64), CPU);
        snn.SetThresholds(thresholds);
        string nir = _folder.File($"{network}-{reset}.nir");
        var report = NirExport.Write(nir, Converter.Convert(ann, identity, new ConversionOptions()), thresholds, neurons);
        Assert.Empty(report.Notes);

        using var batch = data.Take(Images).Batches(Images, identity, CPU).Single();
        using var frame = normalization.Apply(batch.Images);
        string input = _folder.File("input.json"), result = _folder.File($"out-{network}-{reset}.json");
        File.WriteAllText(input, JsonSerializer.Serialize(new { shape = frame.shape, frame = frame.data<float>().ToArray() }));
        PythonTorch.RunScript(ImportTestFiles.Experiment("nir_reference.py"), nir, input, Steps.ToString(), result);
        using var json = JsonDocument.Parse(File.ReadAllText(result));

        var recorder = new SpikeRecorder(snn.Neurons.Select(n => n.Name).ToArray(), snn.WeightedLayers.Select(l => l.Name).ToArray(), Steps);
        snn.ResetState();
        var steps = json.RootElement.GetProperty("output").EnumerateArray().ToArray();
        Assert.Equal(Steps, steps.Length);
        double worst = 0;
        using (no_grad())
            for (int t = 0; t < Steps; t++)
            {
                using var current = snn.Forward(batch.Images, new StepContext(1, Images, t, recorder));
                var values = steps[t].EnumerateArray().SelectMany(row => row.EnumerateArray().Select(v => (float)v.GetDouble())).ToArray();
                using var expected = tensor(values).view(current.shape);
                worst = Math.Max(worst, (current - expected).abs().max().item<float>() / Math.Max(1e-3f, expected.abs().max().item<float>()));
            }
        output.WriteLine($"{network} {reset}: worst relative output difference {worst:G3}");
        var types = json.RootElement.GetProperty("types").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal("Input", types["input"]);
        Assert.Equal("Output", types["output"]);
        Assert.All(snn.Neurons, n => Assert.Equal(reset == ResetMode.Soft ? "I" : "IF", types[n.Name]));
        Assert.All(snn.WeightedLayers, l => Assert.Contains(types[l.Name], new[] { "Conv2d", "Affine", "Linear" }));
        Assert.True(worst < 1e-3, $"{reset}: NIR interpreter and RmpSnn outputs differ by {worst:G3} (relative)");
        var spikes = json.RootElement.GetProperty("spikes");
        foreach (var (layer, counts) in recorder.NeuronLayers.Zip(recorder.Spikes))
        {
            string nirNode = reset == ResetMode.Soft ? layer + ".threshold" : layer;
            double expected = spikes.GetProperty(nirNode).GetDouble(), actual = counts.Sum();
            output.WriteLine($"{layer}: RmpSnn {actual} spikes, NIR interpreter {expected}");
            Assert.True(actual > 0, $"{layer} should fire");
            Assert.True(Math.Abs(actual - expected) <= 1e-3 * actual + 1, $"{layer}: RmpSnn {actual} spikes, NIR interpreter {expected}");
        }
    }

    [Fact]
    public void MaxPoolGatesHaveNoNirFormAndTheErrorSaysWhatToDo()
    {
        var ann = TinyNetworks.Sequential(new ModelSpec("mp", 1, 8, 2), n => new Conv2dNode(n, nn.Conv2d(1, 2, 3, padding: 1)),
            n => new ReluNode(n),
            n => new MaxPoolNode(n, [2, 2], [2, 2], [0, 0], [1, 1]), n => new FlattenNode(n), n => new LinearNode(n, nn.Linear(32, 2)));
        var graph = Converter.Convert(ann, Normalization.Identity(1), new ConversionOptions());
        var thresholds = new Dictionary<string, float> { ["layers.1"] = 1f };
        UserError.Expect(() => NirExport.Write(_folder.File("mp.nir"), graph, thresholds, new NeuronOptions(ResetMode.Soft)),
            "layers.2 (MaxPoolGate)", "--maxpool avg");
        Assert.False(File.Exists(_folder.File("mp.nir")));
    }
}

/// <summary>The safetensors export holds the converted weights, bias maps and thresholds by node name, and the graph.</summary>
[Collection(SerialTorchRng.Name)]   // TinyNetworks seeds torch's global generator
public sealed class SafetensorsExportTests : IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void WeightsThresholdsAndGraphReadBack()
    {
        var ann = TinyNetworks.Build(seed: 43, batchNorm: true);
        var graph = Converter.Convert(ann, TinyNetworks.Normalization, new ConversionOptions());
        var thresholds = graph.Nodes.OfType<IntegrateFireNode>().Select((n, i) => (n.Name, V: 0.5f + i)).ToDictionary(p => p.Name, p => p.V);
        string path = _folder.File("tiny.safetensors");
        int count = SafetensorsExport.Write(path, graph, thresholds, new NeuronOptions(ResetMode.Soft));

        using var stream = File.OpenRead(path);
        var (tensors, metadata) = RmpSnn.Import.SafetensorsFormat.Read(stream, CPU);
        Assert.Equal(count, tensors.Count);
        var first = (Conv2dNode)graph["layers.0"];
        Assert.True(TensorAssert.Same(first.BiasMap!, tensors["layers.0.bias_map"]), "the folded normalisation's current map");
        Assert.True(TensorAssert.Same(first.Weight, tensors["layers.0.weight"]));
        foreach (var (name, v) in thresholds) Assert.Equal(v, tensors[$"{name}.threshold"].item<float>());
        Assert.Equal("soft", metadata["reset"]);
        using var nodes = JsonDocument.Parse((string)metadata["graph"]);
        Assert.Equal(graph.Nodes.Select(n => n.Name), nodes.RootElement.EnumerateArray().Select(n => n.GetProperty("name").GetString()));
        Assert.Contains(nodes.RootElement.EnumerateArray(), n => n.GetProperty("op").GetString() == "IF");
        foreach (var t in tensors.Values) t.Dispose();
    }
}
