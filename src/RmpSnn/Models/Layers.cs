using RmpSnn.Graph;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Models;

/// <summary>Adds the allowed layers to a <see cref="LayerStack"/> with the spec's options (BN, bias, pooling) and He initialisation.</summary>
internal static class Layers
{
    /// <summary>
    /// Conv k×k (padding k/2) with Kaiming-normal weights, followed by BatchNorm2d when the spec asks for it. A conv
    /// followed by BN gets no bias even with <see cref="ModelSpec.Bias"/>: BN's shift already plays that role.
    /// Returns the conv's weight.
    /// </summary>
    public static Tensor Conv(LayerStack stack, ModelSpec spec, long inC, long outC, long kernel = 3, long stride = 1)
    {
        var conv = nn.Conv2d(inC, outC, kernel, stride: stride, padding: kernel / 2, bias: spec.Bias && !spec.BatchNorm);
        HeInit(conv.weight!, conv.bias);
        stack.Add(name => new Conv2dNode(name, conv));
        if (spec.BatchNorm) stack.Add(name => new BatchNormNode(name, nn.BatchNorm2d(outC)));
        return conv.weight!;
    }

    /// <summary>Conv [+BN] + the spec's activation.</summary>
    public static void ConvRelu(LayerStack stack, ModelSpec spec, long inC, long outC, long kernel = 3, long stride = 1)
    {
        Conv(stack, spec, inC, outC, kernel, stride);
        stack.Add(name => Activation(spec, name));
    }

    /// <summary>The spec's hidden activation node: ReLU, or <see cref="Qcfs"/> with the spec's levels.</summary>
    public static GraphNode Activation(ModelSpec spec, string name) => spec.Activation.ToLowerInvariant() switch
    {
        "relu" => new ReluNode(name),
        "qcfs" => new QcfsNode(name, new Qcfs(spec.QuantLevels)),
        _ => throw new RmpSnnException($"--activation {spec.Activation}: expected relu or qcfs"),
    };

    /// <summary>A hidden linear layer with Kaiming-normal weights (or the output layer, which keeps TorchSharp's default init).</summary>
    public static void Linear(LayerStack stack, ModelSpec spec, long inF, long outF, bool hidden = true)
    {
        var linear = nn.Linear(inF, outF, hasBias: spec.Bias);
        if (hidden) HeInit(linear.weight!, linear.bias);
        stack.Add(name => new LinearNode(name, linear));
    }

    /// <summary>Average pooling (the paper's choice) or max pooling when <see cref="ModelSpec.MaxPool"/> is set.</summary>
    public static void Pool(LayerStack stack, ModelSpec spec, long kernel = 2, long stride = 2, long padding = 0) =>
        stack.Add(name => spec.MaxPool
            ? new MaxPoolNode(name, [kernel, kernel], [stride, stride], [padding, padding], [1, 1])
            : new AvgPoolNode(name, [kernel, kernel], [stride, stride], [padding, padding]));

    /// <summary>Dropout at the spec's rate, or nothing when the rate is 0.</summary>
    public static void Dropout(LayerStack stack, ModelSpec spec)
    {
        if (spec.Dropout > 0) stack.Add(name => new DropoutNode(name, spec.Dropout));
    }

    /// <summary>
    /// A residual block <c>y = act(main(x) + shortcut(x))</c> under the next name of <paramref name="stack"/>: the main
    /// path as <c>{block}.main.j</c>, the shortcut as <c>{block}.shortcut.j</c> (none: identity), then
    /// <c>{block}.add</c> and the node <paramref name="activation"/> makes, named <c>{block}.activation</c> (He et al.;
    /// the paper's constraint puts it after the addition).
    /// </summary>
    public static void Residual(LayerStack stack, Func<string, GraphNode> activation, Action<LayerStack> main, Action<LayerStack> shortcut)
    {
        string block = stack.NextName();
        var mainPath = new LayerStack(stack.Graph, block + ".main", stack.Last);
        main(mainPath);
        var shortcutPath = new LayerStack(stack.Graph, block + ".shortcut", stack.Last);
        shortcut(shortcutPath);
        string add = stack.Graph.Add(new AddNode(block + ".add"), mainPath.Last, shortcutPath.Last);
        stack.Continue(stack.Graph.Add(activation(block + ".activation"), add));
    }

    /// <summary>A new graph with its input node; returns the builder and the stack of top-level layers (<c>layers.i</c>).</summary>
    public static (GraphBuilder Graph, LayerStack Stack) Start(ModelSpec spec)
    {
        var graph = new GraphBuilder();
        string input = graph.Add(new InputNode("input", spec.InChannels, spec.ImageSize, spec.ImageSize));
        return (graph, new LayerStack(graph, "layers", input));
    }

    /// <summary>The network whose output is the stack's last node.</summary>
    public static Network Finish(ModelSpec spec, LayerStack stack) => new(spec, stack.Graph.SetOutput(stack.Last).Build());

    static void HeInit(Tensor weight, Tensor? bias)
    {
        using var _ = no_grad();
        nn.init.kaiming_normal_(weight, mode: nn.init.FanInOut.FanIn, nonlinearity: nn.init.NonlinearityType.ReLU);
        bias?.zero_();
    }
}
