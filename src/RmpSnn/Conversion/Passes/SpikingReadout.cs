using RmpSnn.Graph;
using RmpSnn.Snn;

namespace RmpSnn.Conversion.Passes;

/// <summary>
/// For <see cref="ReadoutMode.Spikes"/>: an IF layer named <c>output</c> after the network output, whose spike counts
/// are the prediction.
/// </summary>
internal static class SpikingReadout
{
    /// <summary>The output IF layer's name.</summary>
    public const string Name = "output";

    public static void Apply(GraphBuilder graph, ReadoutMode readout)
    {
        if (readout != ReadoutMode.Spikes) return;
        graph.SetOutput(graph.Add(new IntegrateFireNode(new ReluNode(Name)), graph.Output));
    }
}
