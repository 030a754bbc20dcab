using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>
/// Turns the ANN node types into <see cref="NodeDescription"/>s and back: the one table of operations a model file can
/// hold, with each operation's attributes (a slice end of −1 runs to the end). IF layers and max-pool gates exist only in
/// converted graphs and are not stored.
/// </summary>
public static class NodeCodec
{
    /// <summary>The description of <paramref name="node"/> reading <paramref name="inputs"/>.</summary>
    public static NodeDescription Describe(GraphNode node, string[] inputs)
    {
        Dictionary<string, double[]>? attributes = node switch
        {
            InputNode n => new() { ["shape"] = [n.Channels, n.Height, n.Width] },
            Conv2dNode n => new()
            {
                ["channels"] = [n.Weight.shape[1] * n.Groups, n.Weight.shape[0]], ["kernel"] = [n.Weight.shape[2], n.Weight.shape[3]],
                ["stride"] = D(n.Stride), ["padding"] = D(n.Padding), ["dilation"] = D(n.Dilation), ["groups"] = [n.Groups],
                ["bias"] = [n.Bias is null ? 0 : 1],
            },
            LinearNode n => new() { ["features"] = [n.Weight.shape[1], n.Weight.shape[0]], ["bias"] = [n.Bias is null ? 0 : 1] },
            BatchNormNode n => new()
            {
                ["features"] = [n.Norm.running_mean!.shape[0]], ["eps"] = [n.Norm.eps], ["momentum"] = [n.Norm.momentum ?? 0.1],
                ["dims"] = [n.Norm is BatchNorm1d ? 1 : 2],
            },
            QcfsNode n => new() { ["levels"] = [n.Qcfs.Levels] },
            ClipNode n => new() { ["min"] = [n.Min], ["max"] = [n.Max] },
            AvgPoolNode n => new()
            {
                ["kernel"] = D(n.Kernel), ["stride"] = D(n.Stride), ["padding"] = D(n.Padding), ["ceil"] = [n.CeilMode ? 1 : 0],
                ["countIncludePad"] = [n.CountIncludePad ? 1 : 0],
            },
            MaxPoolNode n => new()
            {
                ["kernel"] = D(n.Kernel), ["stride"] = D(n.Stride), ["padding"] = D(n.Padding), ["dilation"] = D(n.Dilation),
                ["ceil"] = [n.CeilMode ? 1 : 0],
            },
            ReshapeNode n => new() { ["shape"] = D(n.Shape) },
            PadNode n => new() { ["pads"] = D(n.Pads) },
            SliceNode n => new()
            {
                ["axes"] = D(n.Axes), ["starts"] = D(n.Starts), ["ends"] = [.. n.Ends.Select(e => (double)(e ?? -1))], ["steps"] = D(n.Steps)
            },
            ScaleNode n => new() { ["factor"] = [n.Factor] },
            DropoutNode n => new() { ["p"] = [n.Probability] },
            ReluNode or GlobalAvgPoolNode or FlattenNode or AddNode or ConcatNode or IdentityNode => null,
            _ => throw new RmpSnnException($"{node}: converted-graph nodes are not stored in model files"),
        };
        return new NodeDescription(node.Name, node.Op, inputs, attributes);
    }

    /// <summary>A fresh node (with a freshly initialised module where the operation has parameters) for <paramref name="d"/>.</summary>
    public static GraphNode Create(NodeDescription d)
    {
        string name = d.Name ?? throw new RmpSnnException("graph: a node has no name");
        return d.Op switch
        {
            "Input" => new InputNode(name, I(d, "shape", 3)[0], I(d, "shape", 3)[1], I(d, "shape", 3)[2]),
            "Conv2d" => new Conv2dNode(name, nn.Conv2d(L(d, "channels", 2)[0], L(d, "channels", 2)[1], P(d, "kernel"), P(d, "stride"),
                P(d, "padding"), P(d, "dilation"), groups: L(d, "groups", 1)[0], bias: B(d, "bias"))),
            "Linear" => new LinearNode(name, nn.Linear(L(d, "features", 2)[0], L(d, "features", 2)[1], hasBias: B(d, "bias"))),
            "BatchNorm" => new BatchNormNode(name, L(d, "dims", 1)[0] == 1
                ? nn.BatchNorm1d(L(d, "features", 1)[0], A(d, "eps", 1)[0], A(d, "momentum", 1)[0])
                : nn.BatchNorm2d(L(d, "features", 1)[0], A(d, "eps", 1)[0], A(d, "momentum", 1)[0])),
            "ReLU" => new ReluNode(name),
            "QCFS" => new QcfsNode(name, new Qcfs(I(d, "levels", 1)[0])),
            "Clip" => new ClipNode(name, A(d, "min", 1)[0], A(d, "max", 1)[0]),
            "AvgPool" => new AvgPoolNode(name, L(d, "kernel", 2), L(d, "stride", 2), L(d, "padding", 2), B(d, "ceil"),
                Optional(d, "countIncludePad", 1) != 0),
            "MaxPool" => new MaxPoolNode(name, L(d, "kernel", 2), L(d, "stride", 2), L(d, "padding", 2), L(d, "dilation", 2), B(d, "ceil")),
            "GlobalAvgPool" => new GlobalAvgPoolNode(name),
            "Flatten" => new FlattenNode(name),
            "Reshape" => new ReshapeNode(name, L(d, "shape", -1)),
            "Add" => new AddNode(name),
            "Concat" => new ConcatNode(name),
            "Pad" => new PadNode(name, L(d, "pads", -1)),
            "Slice" => new SliceNode(name, L(d, "axes", -1), L(d, "starts", -1), [.. L(d, "ends", -1).Select(e => e < 0 ? (long?)null : e)],
                L(d, "steps", -1)),
            "Scale" => new ScaleNode(name, A(d, "factor", 1)[0]),
            "Dropout" => new DropoutNode(name, A(d, "p", 1)[0]),
            "Identity" => new IdentityNode(name),
            _ => throw new RmpSnnException($"graph: node '{name}' has the unknown operation '{d.Op}'"),
        };
    }

    /// <summary>An attribute added after graphs were first stored, with the value older files imply.</summary>
    static double Optional(NodeDescription d, string key, double fallback) =>
        d.Attributes is not null && d.Attributes.TryGetValue(key, out var values) && values is [var value] ? value : fallback;

    static double[] D(long[] values) => Array.ConvertAll(values, v => (double)v);

    static double[] A(NodeDescription d, string key, int count)
    {
        if (d.Attributes is null || !d.Attributes.TryGetValue(key, out var values) || values is null || (count > 0 && values.Length != count))
            throw new RmpSnnException($"graph: node '{d.Name}' ({d.Op}) needs the attribute '{key}'{(count > 0 ? $" with {count} value(s)" : "")}");
        return values;
    }

    static long[] L(NodeDescription d, string key, int count) => Array.ConvertAll(A(d, key, count), v => (long)v);

    static (long, long) P(NodeDescription d, string key) => (L(d, key, 2)[0], L(d, key, 2)[1]);

    static int[] I(NodeDescription d, string key, int count) => Array.ConvertAll(A(d, key, count), v => (int)v);

    static bool B(NodeDescription d, string key) => A(d, key, 1)[0] != 0;
}
