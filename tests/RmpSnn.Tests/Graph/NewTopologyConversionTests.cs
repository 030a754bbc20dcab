using RmpSnn.Evaluation;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Graph;
using RmpSnn.Models;
using RmpSnn.Snn;
using RmpSnn.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Graph;

/// <summary>
/// Graphs the list-of-layers converter could not express, each converted (soft reset, act-max thresholds, direct input)
/// with random He-initialised weights and simulated to large T: the SNN's prediction must agree with the ANN's.
/// </summary>
[Collection(SerialTorchRng.Name)]   // seeds torch's global generator
public class NewTopologyConversionTests
{
    const int Steps = 2048;

    static Conv2dNode Conv(string name, long inC, long outC, long kernel = 3, long groups = 1)
    {
        var conv = nn.Conv2d(inC, outC, kernel, padding: kernel / 2, groups: groups, bias: false);
        using (no_grad()) nn.init.kaiming_normal_(conv.weight!, mode: nn.init.FanInOut.FanIn, nonlinearity: nn.init.NonlinearityType.ReLU);
        return new Conv2dNode(name, conv);
    }

    static LinearNode Linear(string name, long inF, long outF, bool bias = false) => new(name, nn.Linear(inF, outF, hasBias: bias));

    static Network Finish(GraphBuilder graph, string last)
    {
        last = graph.Add(new AvgPoolNode("pool", [4, 4], [4, 4], [0, 0]), last);   // keeps a 2×2 map: random nets then tell images apart
        last = graph.Add(new FlattenNode("flatten"), last);
        last = graph.Add(Linear("classifier", 16 * 2 * 2, 5, bias: true), last);
        var net = new Network(TinyNetworks.Spec, graph.SetOutput(last).Build());
        net.eval();
        return net;
    }

    /// <summary>Stem, then two branches (1×1 and 3×3 conv, each with a ReLU) concatenated along channels, then a 3×3 conv.</summary>
    static Network BranchAndConcat()
    {
        var g = new GraphBuilder();
        string x = g.Add(new InputNode("input", 3, 8, 8));
        x = g.Add(new ReluNode("stem.relu"), g.Add(Conv("stem.conv", 3, 8), x));
        string a = g.Add(new ReluNode("branch1.relu"), g.Add(Conv("branch1.conv", 8, 8, kernel: 1), x));
        string b = g.Add(new ReluNode("branch2.relu"), g.Add(Conv("branch2.conv", 8, 8), x));
        string joined = g.Add(new ConcatNode("concat"), a, b);
        return Finish(g, g.Add(new ReluNode("mix.relu"), g.Add(Conv("mix.conv", 16, 16), joined)));
    }

    /// <summary>
    /// MobileNet-v2 linear bottleneck: expand 1×1 + ReLU6, depthwise 3×3 + ReLU6, project 1×1 with no activation, added to
    /// the block input with no ReLU after the add, then a 1×1 conv and a ReLU.
    /// </summary>
    static Network LinearBottleneck()
    {
        var g = new GraphBuilder();
        string x = g.Add(new InputNode("input", 3, 8, 8));
        x = g.Add(new ReluNode("stem.relu"), g.Add(Conv("stem.conv", 3, 16), x));
        string e = g.Add(new ClipNode("block.expand.relu6", 0, 6), g.Add(Conv("block.expand", 16, 32, kernel: 1), x));
        string d = g.Add(new ClipNode("block.depthwise.relu6", 0, 6), g.Add(Conv("block.depthwise", 32, 32, groups: 32), e));
        string p = g.Add(Conv("block.project", 32, 16, kernel: 1), d);
        string sum = g.Add(new AddNode("block.add"), p, x);
        return Finish(g, g.Add(new ReluNode("head.relu"), g.Add(Conv("head.conv", 16, 16, kernel: 1), sum)));
    }

    /// <summary>A conv stem, then two linear layers with no activation between them.</summary>
    static Network TwoLinearLayers()
    {
        var g = new GraphBuilder();
        string x = g.Add(new InputNode("input", 3, 8, 8));
        x = g.Add(new ReluNode("stem.relu"), g.Add(Conv("stem.conv", 3, 8), x));
        x = g.Add(new AvgPoolNode("stem.pool", [2, 2], [2, 2], [0, 0]), x);
        x = g.Add(new FlattenNode("flatten"), x);
        x = g.Add(Linear("fc1", 8 * 4 * 4, 32), x);
        x = g.Add(Linear("fc2", 32, 5, bias: true), x);
        var net = new Network(TinyNetworks.Spec, g.SetOutput(x).Build());
        net.eval();
        return net;
    }

    internal static Network Build(string topology, int seed)
    {
        manual_seed(seed);
        return topology switch
        {
            "branch-concat" => BranchAndConcat(),
            "linear-bottleneck" => LinearBottleneck(),
            "two-linear" => TwoLinearLayers(),
            _ => throw new ArgumentException(topology),
        };
    }

    /// <summary>
    /// Sets the output bias to minus the mean logit over <paramref name="images"/>: random networks otherwise predict one
    /// or two classes for every image, and the agreement test would be trivial.
    /// </summary>
    static void CentreLogits(Network ann, ImageDataset images)
    {
        using var noGrad = no_grad();
        using var batch = images.Batches(images.Count, TinyNetworks.Normalization, CPU).Single();
        using var logits = ann.call(batch.Images);
        var bias = ((LinearNode)ann.Graph.Output).Bias!;
        bias.zero_();
        bias.sub_(logits.mean([0]));
    }

    [Theory]
    [InlineData("branch-concat", 4)]
    [InlineData("linear-bottleneck", 4)]
    [InlineData("two-linear", 1)]
    public void SoftResetSnnAgreesWithTheAnnAtLargeT(string topology, int neuronLayers)
    {
        var ann = Build(topology, seed: 31);
        CentreLogits(ann, TinyNetworks.Images(200, seed: 32));
        var data = TinyNetworks.Images(200, seed: 32, labelWith: ann);   // labels = ANN predictions
        Assert.True(data.Labels.Distinct().Count() >= 3, $"{topology}: the random ANN should predict several classes, predicts " +
            $"{string.Join(",", data.Labels.GroupBy(l => l).Select(g => $"{g.Key}:{g.Count()}"))}");
        using var snn = TinyNetworks.Compile(ann, TinyNetworks.Normalization, new NeuronOptions(ResetMode.Soft));
        Assert.Equal(neuronLayers, snn.Neurons.Count);
        snn.SetThresholds(ThresholdBalancer.Balance(snn, ann, data, TinyNetworks.Normalization,
            new BalancingOptions(NormMode.ActMax, CalibrationImages: 200, Encoding: InputCoding.Direct), CPU));
        var result = Simulator.Run([("soft", snn)], data, new SimulationOptions(Steps, InputCoding.Direct),
            new ExecutionOptions(ChunkSteps: 64), CPU)[0];
        Assert.True(result.AccuracyAt(8) < 90.0, $"{topology}: {result.AccuracyAt(8)}% at T = 8: the test should need time to converge");
        Assert.True(result.AccuracyAt(Steps) >= 99.0, $"{topology}: argmax agreement {result.AccuracyAt(Steps)}% < 99% at T = {Steps}; " +
            $"T = 256/1024: {result.AccuracyAt(256)}/{result.AccuracyAt(1024)}%");
    }

    [Fact]
    public void AnAddWithoutReluStaysALinearSumAndReluSixBecomesAnIfLayer()
    {
        var converted = Converter.Convert(Build("linear-bottleneck", seed: 33), TinyNetworks.Normalization, new ConversionOptions());
        Assert.IsType<AddNode>(converted["block.add"]);
        Assert.Equal(["block.project", "stem.relu"], converted.InputsOf(converted["block.add"]).Select(n => n.Name));
        var relu6 = Assert.IsType<IntegrateFireNode>(converted["block.depthwise.relu6"]);
        Assert.IsType<ClipNode>(relu6.Activation);
        Assert.Equal(32, Assert.IsType<Conv2dNode>(converted["block.depthwise"]).Groups);
    }

    [Fact]
    public void TheEventEngineRefusesADepthwiseConvolutionByName()
    {
        var converted = Converter.Convert(Build("linear-bottleneck", seed: 34), TinyNetworks.Normalization, new ConversionOptions());
        UserError.Expect(() => SpikingNetwork.Compile(converted, TinyNetworks.Spec, ReadoutMode.Potential, new NeuronOptions(ResetMode.Soft),
            SimulationEngine.Event, CPU), "block.depthwise (Conv2d)", "32 groups");
        using var dense = SpikingNetwork.Compile(converted, TinyNetworks.Spec, ReadoutMode.Potential, new NeuronOptions(ResetMode.Soft),
            SimulationEngine.Dense, CPU);
        Assert.Equal(SimulationEngine.Dense, dense.Engine);
    }

    [Fact]
    public void ANodeWithNoSpikingMeaningIsNamedWithTheSupportedOps()
    {
        var g = new GraphBuilder();
        string x = g.Add(new InputNode("input", 3, 8, 8));
        x = g.Add(new ClipNode("features.3", -1, 1), g.Add(Conv("features.0", 3, 16), x));
        var net = new Network(TinyNetworks.Spec, g.SetOutput(x).Build());
        UserError.Expect(() => Converter.Convert(net, Normalization.Identity(3), new ConversionOptions()), "features.3 (Clip)", "lower bound is 0");

        var h = new GraphBuilder();
        string y = h.Add(new InputNode("input", 3, 8, 8));
        y = h.Add(new BatchNormNode("bn", nn.BatchNorm2d(3)), y);
        var norm = new Network(TinyNetworks.Spec, h.SetOutput(y).Build());
        UserError.Expect(() => Converter.Convert(norm, Normalization.Identity(3), new ConversionOptions()), "bn (BatchNorm)",
            "follows input (Input)");
    }
}
