using RmpSnn.Graph;

namespace RmpSnn.Conversion.Passes;

/// <summary>The last pass: every node left must have a spiking stage; the first that has none is reported with what is supported.</summary>
internal static class RequireSpikingOps
{
    static readonly Type[] Supported =
    [
        typeof(InputNode), typeof(Conv2dNode), typeof(LinearNode), typeof(IntegrateFireNode), typeof(MaxPoolGateNode), typeof(AvgPoolNode),
        typeof(GlobalAvgPoolNode), typeof(FlattenNode), typeof(ReshapeNode), typeof(AddNode), typeof(ConcatNode), typeof(PadNode),
        typeof(SliceNode), typeof(ScaleNode),
    ];

    /// <summary>What the converter takes, for messages.</summary>
    public const string SupportedOps = "Conv2d, Linear, BatchNorm (after a Conv2d or Linear), ReLU, QCFS, Clip [0, max], AvgPool, " +
        "GlobalAvgPool, MaxPool, Flatten, Reshape, Add, Concat, Pad, Slice, Scale, Dropout, Identity";

    public static void Apply(GraphBuilder graph)
    {
        if (graph.Nodes.FirstOrDefault(n => !Supported.Contains(n.GetType())) is { } node)
            throw new RmpSnnException($"{node}: no SNN equivalent; supported are {SupportedOps}");
    }
}
