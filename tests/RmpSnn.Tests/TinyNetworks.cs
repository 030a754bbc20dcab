using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Graph;
using RmpSnn.Models;
using RmpSnn.Snn;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Tests;

/// <summary>Small random networks and inputs for conversion tests.</summary>
internal static class TinyNetworks
{
    public static readonly ModelSpec Spec = new("tiny", 3, 8, 5);
    public static readonly Normalization Normalization = new([0.5f, 0.4f, 0.3f], [0.25f, 0.2f, 0.3f]);

    /// <summary>
    /// conv–ReLU–avgpool–residual block (identity) –residual block (option A)–global pool–flatten–linear, with a BN and
    /// dropout to remove; with <paramref name="qcfsLevels"/>, every ReLU is a <see cref="Qcfs"/> with that many levels and clip 1.
    /// Nodes: <c>layers.0</c> conv, (<c>layers.1</c> BN,) then the activation, pool, blocks <c>layers.i.main.j</c> …
    /// </summary>
    public static Network Build(int seed, bool batchNorm = false, int? qcfsLevels = null)
    {
        manual_seed(seed);
        GraphNode Act(string name) => qcfsLevels is int levels ? new QcfsNode(name, new Qcfs(levels, clip: 1.0)) : new ReluNode(name);
        var spec = qcfsLevels is int l ? Spec with { Activation = "qcfs", QuantLevels = l } : Spec;
        var graph = new GraphBuilder();
        var layers = new LayerStack(graph, "layers", graph.Add(new InputNode("input", 3, 8, 8)));
        layers.Add(n => new Conv2dNode(n, nn.Conv2d(3, 8, 3, padding: 1, bias: false)));
        if (batchNorm) layers.Add(n => new BatchNormNode(n, RandomBatchNorm(8)));
        layers.Add(Act);
        layers.Add(n => new AvgPoolNode(n, [2, 2], [2, 2], [0, 0]));
        Layers.Residual(layers, Act, main =>
        {
            main.Add(n => new Conv2dNode(n, nn.Conv2d(8, 8, 3, padding: 1, bias: false)));
            main.Add(Act);
            main.Add(n => new Conv2dNode(n, nn.Conv2d(8, 8, 3, padding: 1, bias: false)));
        }, _ => { });
        Layers.Residual(layers, Act, main =>
        {
            main.Add(n => new Conv2dNode(n, nn.Conv2d(8, 16, 3, stride: 2, padding: 1, bias: false)));
            main.Add(Act);
            main.Add(n => new Conv2dNode(n, nn.Conv2d(16, 16, 3, padding: 1, bias: false)));
        }, shortcut =>
        {
            shortcut.Add(n => new SliceNode(n, 2));
            shortcut.Add(n => new PadNode(n, [0, 0, 0, 0, 4, 4]));
        });
        layers.Add(n => new GlobalAvgPoolNode(n));
        layers.Add(n => new FlattenNode(n));
        layers.Add(n => new DropoutNode(n, 0.5));
        layers.Add(n => new LinearNode(n, nn.Linear(16, 5, hasBias: false)));
        var net = new Network(spec, graph.SetOutput(layers.Last).Build());
        net.eval();
        return net;
    }

    /// <summary>
    /// A chain of nodes named <c>layers.0</c>, <c>layers.1</c>, … after an input of <paramref name="spec"/>'s shape,
    /// in eval mode.
    /// </summary>
    public static Network Sequential(ModelSpec spec, params Func<string, GraphNode>[] layers)
    {
        var graph = new GraphBuilder();
        var stack = new LayerStack(graph, "layers", graph.Add(new InputNode("input", spec.InChannels, spec.ImageSize, spec.ImageSize)));
        foreach (var layer in layers) stack.Add(layer);
        var net = new Network(spec, graph.SetOutput(stack.Last).Build());
        net.eval();
        return net;
    }

    /// <summary>The value of the ANN node <paramref name="node"/> for input <paramref name="x"/> (only its ancestors run).</summary>
    public static Tensor AnnValue(Network ann, string node, Tensor x) =>
        ann.Graph.Evaluate(x, (i, operands) => ann.Graph.Nodes[i].Forward(operands), only: ann.Graph.AncestorsOf(ann.Graph[node]));

    /// <summary>Converts and compiles <paramref name="ann"/> (no thresholds).</summary>
    public static SpikingNetwork Compile(Network ann, Normalization normalization, NeuronOptions neurons,
        SimulationEngine engine = SimulationEngine.Dense, ReadoutMode readout = ReadoutMode.Potential, MaxPoolMode maxPool = MaxPoolMode.Gate) =>
        ConversionPipeline.Compile(ann, normalization, new ConversionOptions(readout, maxPool), neurons, engine, CPU);

    /// <summary>The same SNN compiled for <paramref name="engine"/>, with <paramref name="snn"/>'s thresholds.</summary>
    public static SpikingNetwork Recompile(SpikingNetwork snn, NeuronOptions neurons, SimulationEngine engine)
    {
        var other = SpikingNetwork.Compile(snn.Graph, snn.Spec, snn.Readout, neurons, engine, CPU);
        other.SetThresholds(snn.Thresholds.ToDictionary(p => p.Key, p => p.Value!.Value));
        return other;
    }

    static TorchSharp.Modules.BatchNorm2d RandomBatchNorm(int channels)
    {
        var bn = nn.BatchNorm2d(channels);
        using (no_grad())
        {
            bn.running_mean!.copy_(randn(channels) * 0.1);
            bn.running_var!.copy_(rand(channels) + 0.5);
            bn.weight!.copy_(rand(channels) + 0.5);
            bn.bias!.copy_(randn(channels) * 0.1);
        }
        return bn;
    }

    /// <summary>Random images with pixel bytes, as a dataset whose labels are the ANN's own predictions.</summary>
    public static ImageDataset Images(int count, int seed, Network? labelWith = null)
    {
        var rng = new Random(seed);
        var pixels = new byte[count * 3 * 8 * 8];
        rng.NextBytes(pixels);
        var labels = new int[count];
        var data = new ImageDataset("random", pixels, labels, 3, 8, 8, 5);
        if (labelWith is null) return data;
        using var noGrad = no_grad();
        int i = 0;
        foreach (var batch in data.Batches(64, Normalization, CPU))
            using (batch)
            using (var logits = labelWith.call(batch.Images))
                foreach (long p in logits.argmax(1).data<long>()) labels[i++] = (int)p;
        return data;
    }
}
