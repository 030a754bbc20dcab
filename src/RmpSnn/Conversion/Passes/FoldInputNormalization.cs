using RmpSnn.Data;
using RmpSnn.Graph;
using static TorchSharp.torch;

namespace RmpSnn.Conversion.Passes;

/// <summary>
/// Folds the input normalisation <c>(x − mean)/std</c> into the convolution that reads the input, so the SNN takes raw
/// intensities or spikes in [0, 1]: weights become <c>W/std</c> and the constant part becomes a current map
/// <c>conv(−mean/std) + b</c>, computed on the full image so that it is exact at the borders, where the ANN zero-pads
/// the normalised input. Without normalisation (mean 0, std 1) nothing changes and any first layer is fine.
/// </summary>
internal static class FoldInputNormalization
{
    public static void Apply(GraphBuilder graph, Normalization normalization)
    {
        var input = graph.Nodes.OfType<InputNode>().Single();
        if (normalization.IsIdentity) return;
        var readers = graph.ConsumersOf(input.Name);
        if (readers.Count != 1 || graph[readers[0]] is not Conv2dNode conv)
            throw new RmpSnnException("the input normalisation folds into the one Conv2d that reads the input, but the input feeds " +
                $"{string.Join(", ", readers.Select(r => graph[r].ToString()))}");
        int channels = normalization.Channels;
        var weight = conv.Weight;
        if (channels != weight.shape[1] * conv.Groups)
            throw new RmpSnnException($"normalisation has {channels} channels but {conv} expects {weight.shape[1] * conv.Groups} input channels");
        using var std = tensor(normalization.Std, device: weight.device).view(1, channels, 1, 1);
        using var mean = tensor(normalization.Mean, device: weight.device).view(1, channels, 1, 1);
        var foldedWeight = conv.Groups == 1 ? weight / std : weight / FilterStd(std, conv, weight.shape[0]);
        using var ratio = -mean / std;   // held: a temporary could be finalized during the copy
        using var expanded = ratio.expand(1, channels, input.Height, input.Width);
        using var shifted = expanded.contiguous();
        var biasMap = conv.Apply(shifted, weight);
        if (conv.Bias is { } bias) biasMap.add_(bias.view(1, -1, 1, 1));
        graph.Replace(conv.Name, new Conv2dNode(conv.Name, foldedWeight, null, conv.Stride, conv.Padding, conv.Dilation, conv.Groups, biasMap),
            [.. graph.InputsOf(conv.Name)]);
    }

    /// <summary>For a grouped convolution: each filter's input channel's std, shaped like the weight's first two dimensions.</summary>
    static Tensor FilterStd(Tensor std, Conv2dNode conv, long outChannels)
    {
        long perGroupIn = conv.Weight.shape[1], perGroupOut = outChannels / conv.Groups;
        var channels = std.view(conv.Groups, perGroupIn);
        return channels.repeat_interleave(perGroupOut, 0).view(outChannels, perGroupIn, 1, 1);
    }
}
