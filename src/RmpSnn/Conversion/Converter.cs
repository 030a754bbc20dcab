using RmpSnn.Conversion.Passes;
using RmpSnn.Data;
using RmpSnn.Graph;
using RmpSnn.Models;
using static TorchSharp.torch;

namespace RmpSnn.Conversion;

/// <summary>
/// Turns a trained <see cref="Network"/>'s graph into a spiking graph by small passes, in this order: conv/linear weights
/// are copied (<see cref="FreezeWeights"/>), dropout and identities removed (<see cref="RemoveDropout"/>), BatchNorm
/// folded into the layer before it (<see cref="FoldBatchNorm"/>), the input normalisation folded into the first conv
/// (<see cref="FoldInputNormalization"/>), max-pooling made a gate or average pooling (<see cref="ReplaceMaxPool"/>),
/// ReLU/QCFS/clip made IF layers, with an Add before the activation becoming a junction (<see cref="ActivationsToNeurons"/>),
/// an output IF layer added for spike readout (<see cref="SpikingReadout"/>), and every remaining node checked
/// (<see cref="RequireSpikingOps"/>). Linear chains (conv → conv, an Add with no ReLU after it, concat) stay linear.
/// Compile the result with <c>SpikingNetwork.Compile</c>; thresholds are set by <see cref="ThresholdBalancer"/>.
/// </summary>
public static class Converter
{
    /// <summary>The spiking graph of <paramref name="ann"/>, whose inputs were normalised with <paramref name="normalization"/>.</summary>
    /// <exception cref="RmpSnnException">A node has no SNN equivalent (named, with the supported operations).</exception>
    public static NetworkGraph Convert(Network ann, Normalization normalization, ConversionOptions options)
    {
        using var noGrad = no_grad();
        var graph = ann.Graph.ToBuilder();
        FreezeWeights.Apply(graph);
        RemoveDropout.Apply(graph);
        FoldBatchNorm.Apply(graph);
        FoldInputNormalization.Apply(graph, normalization);
        ReplaceMaxPool.Apply(graph, options.MaxPool);
        ActivationsToNeurons.Apply(graph);
        SpikingReadout.Apply(graph, options.Readout);
        RequireSpikingOps.Apply(graph);
        return graph.Build();
    }
}
