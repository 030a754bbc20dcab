using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Models;

/// <summary>Builds the allowed TorchSharp layers with the spec's options (BN, bias, pooling) and He initialisation.</summary>
internal static class Layers
{
    /// <summary>
    /// Conv k×k (padding k/2) with Kaiming-normal weights, followed by BatchNorm2d when the spec asks for it. A conv
    /// followed by BN gets no bias even with <see cref="ModelSpec.Bias"/>: BN's shift already plays that role.
    /// </summary>
    public static IEnumerable<nn.Module<Tensor, Tensor>> Conv(ModelSpec spec, long inC, long outC, long kernel = 3, long stride = 1)
    {
        var conv = nn.Conv2d(inC, outC, kernel, stride: stride, padding: kernel / 2, bias: spec.Bias && !spec.BatchNorm);
        HeInit(conv.weight!, conv.bias);
        yield return conv;
        if (spec.BatchNorm) yield return nn.BatchNorm2d(outC);
    }

    /// <summary>Conv [+BN] + the spec's activation.</summary>
    public static IEnumerable<nn.Module<Tensor, Tensor>> ConvRelu(ModelSpec spec, long inC, long outC, long kernel = 3, long stride = 1) =>
        Conv(spec, inC, outC, kernel, stride).Append(Activation(spec));

    /// <summary>The spec's hidden activation: ReLU, or <see cref="Qcfs"/> with the spec's levels.</summary>
    public static nn.Module<Tensor, Tensor> Activation(ModelSpec spec) => spec.Activation.ToLowerInvariant() switch
    {
        "relu" => nn.ReLU(),
        "qcfs" => new Qcfs(spec.QuantLevels),
        _ => throw new RmpSnnException($"--activation {spec.Activation}: expected relu or qcfs"),
    };

    /// <summary>A hidden linear layer with Kaiming-normal weights (or the output layer, which keeps TorchSharp's default init).</summary>
    public static nn.Module<Tensor, Tensor> Linear(ModelSpec spec, long inF, long outF, bool hidden = true)
    {
        var linear = nn.Linear(inF, outF, hasBias: spec.Bias);
        if (hidden) HeInit(linear.weight!, linear.bias);
        return linear;
    }

    /// <summary>Average pooling (the paper's choice) or max pooling when <see cref="ModelSpec.MaxPool"/> is set.</summary>
    public static nn.Module<Tensor, Tensor> Pool(ModelSpec spec, long kernel = 2, long stride = 2, long padding = 0) =>
        spec.MaxPool ? nn.MaxPool2d(kernel, stride, padding) : nn.AvgPool2d(kernel, stride, padding);

    /// <summary>Dropout at the spec's rate, or nothing when the rate is 0.</summary>
    public static IEnumerable<nn.Module<Tensor, Tensor>> Dropout(ModelSpec spec) =>
        spec.Dropout > 0 ? [nn.Dropout(spec.Dropout)] : [];

    static void HeInit(Tensor weight, Tensor? bias)
    {
        using var _ = no_grad();
        nn.init.kaiming_normal_(weight, mode: nn.init.FanInOut.FanIn, nonlinearity: nn.init.NonlinearityType.ReLU);
        bias?.zero_();
    }
}
