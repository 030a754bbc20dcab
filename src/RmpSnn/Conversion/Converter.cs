using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Snn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RmpSnn.Conversion;

/// <summary>
/// Builds a <see cref="SpikingNetwork"/> from a trained <see cref="Network"/> by walking its layer list:
/// conv/linear weights are copied (a following BatchNorm is folded in, biases become constant currents),
/// ReLU or QCFS → IF neuron layer, average pooling and flatten are kept, max-pooling becomes a <see cref="SpikingMaxPool"/> gate or
/// average pooling (<see cref="ConversionOptions.MaxPool"/>), dropout is removed, residual blocks become a main path and a
/// shortcut that both feed a junction IF layer. The input normalisation is folded into the first conv so
/// the network takes raw intensities or spikes in [0, 1]. Thresholds are left unset: see <see cref="ThresholdBalancer"/>.
/// </summary>
public sealed class Converter
{
    readonly Normalization _normalization;
    readonly ConversionOptions _options;
    readonly long _inputSize;
    readonly Dictionary<string, int> _counters = [];
    bool _inputFolded;

    Converter(ModelSpec spec, Normalization normalization, ConversionOptions options)
    {
        _inputSize = spec.ImageSize;
        _normalization = normalization;
        _options = options;
    }

    /// <summary>Converts <paramref name="ann"/> (whose inputs were normalised with <paramref name="normalization"/>).</summary>
    public static SpikingNetwork Convert(Network ann, Normalization normalization, ConversionOptions options)
    {
        options.Neurons.Validate();
        var device = ann.parameters().FirstOrDefault()?.device ?? CPU;
        var converter = new Converter(ann.Spec, normalization, options);
        using var noGrad = no_grad();
        var stages = converter.ConvertLayers(ann.Layers, "");
        if (options.Readout == ReadoutMode.Spikes) stages.Add(new IfNeuron("output", options.Neurons));
        return new SpikingNetwork(ann.Spec, stages, options.Readout, device);
    }

    List<ISpikingStage> ConvertLayers(IReadOnlyList<nn.Module<Tensor, Tensor>> layers, string path)
    {
        var stages = new List<ISpikingStage>();
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var batchNorm = i + 1 < layers.Count ? layers[i + 1] as BatchNorm : null;
            switch (layer)
            {
                case Conv2d conv:
                    stages.Add(ConvertConv(conv, batchNorm));
                    if (batchNorm is not null) i++;
                    break;
                case Linear linear:
                    stages.Add(ConvertLinear(linear, batchNorm));
                    if (batchNorm is not null) i++;
                    break;
                case ReLU or Qcfs:
                    stages.Add(new IfNeuron(NextName(layer is Qcfs ? "qcfs" : "relu"), _options.Neurons));
                    break;
                case AvgPool2d or AdaptiveAvgPool2d or Flatten or ZeroPadShortcut:
                    RequireInputFolded(layer, path, i);
                    stages.Add(new SynapticLayer(NextName(layer is Flatten ? "flatten" : layer is ZeroPadShortcut ? "pad" : "pool"), layer.call));
                    break;
                case Dropout:
                    break; // identity at inference: removed
                case ResidualBlock block:
                    RequireInputFolded(layer, path, i);
                    string name = NextName("block");
                    var main = ConvertLayers(block.Main, $"{path}{name}.main.");
                    var shortcut = ConvertLayers(block.Shortcut, $"{path}{name}.shortcut.");
                    stages.Add(new SpikingResidualBlock(name, main, shortcut, new IfNeuron(name + ".junction", _options.Neurons)));
                    break;
                case MaxPool2d pool:
                    RequireInputFolded(layer, path, i);
                    stages.Add(_options.MaxPool == MaxPoolMode.Gate
                        ? new SpikingMaxPool(NextName("maxpool"), pool.kernel_size, pool.stride ?? pool.kernel_size, pool.padding ?? [0, 0], pool.dilation ?? [1, 1], pool.ceil_mode)
                        : new SynapticLayer(NextName("pool"), MaxPoolReplacement.Average(pool, $"layer {path}{i}")));
                    break;
                case BatchNorm:
                    throw new RmpSnnException($"layer {path}{i} ({layer.GetType().Name}): BatchNorm must directly follow a Conv2d or Linear layer to be folded");
                default:
                    throw new RmpSnnException($"layer {path}{i} ({layer.GetType().Name}): no SNN equivalent; supported are Conv2d, Linear, BatchNorm, ReLU, Qcfs, AvgPool2d, AdaptiveAvgPool2d, Flatten, Dropout and residual blocks");
            }
        }
        return stages;
    }

    SynapticLayer ConvertConv(Conv2d conv, BatchNorm? batchNorm)
    {
        if (conv.padding_mode != PaddingModes.Zeros)
            throw new RmpSnnException($"{conv.GetName()}: padding mode {conv.padding_mode} is not supported; use zero padding");
        var (weight, bias) = Parameters(conv.weight!, conv.bias, batchNorm);
        long[] stride = conv.stride!, padding = conv.padding!, dilation = conv.dilation!;
        long groups = conv.groups;
        Tensor Apply(Tensor x, Tensor w) => F.conv2d(x, w, null, stride, padding, dilation, groups);

        var unitWeight = ones_like(weight, ScalarType.Float64).DetachFromDisposeScope();   // fan-outs are counted in float64 (see SynapticLayer)
        Func<Tensor, Tensor> connectivity = x => Apply(x, unitWeight);
        Func<Tensor, double[]?, Tensor?>? Events(Tensor w, Tensor? currentBias)
        {
            if (!EventConvolution.Supports(dilation, groups)) return null;
            var events = new Lazy<EventConvolution>(() => new EventConvolution(w, stride, padding));
            return (x, sops) => currentBias is null ? events.Value.TryApply(x, sops) : events.Value.TryApply(x, sops)?.add_(currentBias, HeldScalars.One);
        }
        string name = NextName("conv");
        if (_inputFolded)
        {
            var biasMap = bias?.view(1, -1, 1, 1);
            return new SynapticLayer(name, x => biasMap is null ? Apply(x, weight) : Apply(x, weight).add_(biasMap, HeldScalars.One), connectivity,
                Events(weight, biasMap));
        }

        // First layer: fold (x − mean)/std into the weights (W/std) and a constant current map conv(−mean/std) + b,
        // which differs at the borders because the ANN zero-pads the *normalised* input.
        _inputFolded = true;
        int channels = _normalization.Channels;
        if (channels != weight.shape[1])
            throw new RmpSnnException($"normalisation has {channels} channels but the first conv expects {weight.shape[1]} input channels");
        using var std = tensor(_normalization.Std, device: weight.device).view(1, channels, 1, 1);
        using var mean = tensor(_normalization.Mean, device: weight.device).view(1, channels, 1, 1);
        var foldedWeight = (weight / std).DetachFromDisposeScope();
        using var shifted = (-mean / std).expand(1, channels, _inputSize, _inputSize).contiguous();
        var inputBias = Apply(shifted, weight);
        if (bias is not null) inputBias.add_(bias.view(1, -1, 1, 1));
        inputBias.DetachFromDisposeScope();
        return new SynapticLayer(name, x => Apply(x, foldedWeight).add_(inputBias, HeldScalars.One), connectivity, Events(foldedWeight, inputBias));
    }

    SynapticLayer ConvertLinear(Linear linear, BatchNorm? batchNorm)
    {
        if (!_inputFolded)
            throw new RmpSnnException($"{linear.GetName()}: the first weighted layer must be a Conv2d (the input normalisation is folded into it)");
        var (weight, bias) = Parameters(linear.weight!, linear.bias, batchNorm);
        var unitWeight = ones_like(weight, ScalarType.Float64).DetachFromDisposeScope();   // fan-outs are counted in float64 (see SynapticLayer)
        return new SynapticLayer(NextName("fc"), x => F.linear(x, weight, bias), x => F.linear(x, unitWeight));
    }

    static (Tensor Weight, Tensor? Bias) Parameters(Tensor weight, Tensor? bias, BatchNorm? batchNorm)
    {
        if (batchNorm is not null)
        {
            var (w, b) = BatchNormFolding.Fold(weight, bias, batchNorm);
            return (w.DetachFromDisposeScope(), b.DetachFromDisposeScope());
        }
        return (weight.detach().clone().DetachFromDisposeScope(), bias?.detach().clone().DetachFromDisposeScope());
    }

    void RequireInputFolded(nn.Module<Tensor, Tensor> layer, string path, int index)
    {
        if (!_inputFolded)
            throw new RmpSnnException($"layer {path}{index} ({layer.GetType().Name}): the first weighted layer must be a Conv2d that comes before any pooling or residual block");
    }

    string NextName(string kind)
    {
        int n = _counters.GetValueOrDefault(kind) + 1;
        _counters[kind] = n;
        return kind + n;
    }
}
