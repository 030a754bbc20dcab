using RmpSnn.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RmpSnn.Conversion;

/// <summary>
/// Runs an ANN and collects the output of every ReLU (or QCFS activation) in the order the converter creates IF layers
/// (inside a residual block: main-path ReLUs, then the ReLU after the addition), plus the final output. Max-pooling runs
/// as the converted network will: as max-pooling for <see cref="MaxPoolMode.Gate"/>, as average pooling for
/// <see cref="MaxPoolMode.Average"/>.
/// </summary>
public static class ActivationProbe
{
    /// <summary>Returns per-ReLU activations (each <c>[B, …]</c>) and the network output, in conversion order.</summary>
    public static (List<Tensor> Activations, Tensor Output) Collect(Network ann, Tensor input, MaxPoolMode maxPool = MaxPoolMode.Gate)
    {
        var activations = new List<Tensor>();
        var output = Run(ann.Layers, input, activations, maxPool);
        return (activations, output);
    }

    /// <summary>The activation modules (ReLU or <see cref="Qcfs"/>) of <paramref name="ann"/> in conversion order.</summary>
    public static IEnumerable<nn.Module<Tensor, Tensor>> Activations(Network ann) => Activations(ann.Layers);

    static IEnumerable<nn.Module<Tensor, Tensor>> Activations(IEnumerable<nn.Module<Tensor, Tensor>> layers) =>
        layers.SelectMany(layer => layer switch
        {
            ResidualBlock block => [.. Activations(block.Main), .. Activations(block.Shortcut), block.Activation],
            ReLU or Qcfs => [layer],
            _ => Array.Empty<nn.Module<Tensor, Tensor>>(),
        });

        static Tensor Run(IReadOnlyList<nn.Module<Tensor, Tensor>> layers, Tensor x, List<Tensor> activations, MaxPoolMode maxPool)
    {
        foreach (var layer in layers)
        {
            if (layer is ResidualBlock block)
            {
                var main = Run(block.Main, x, activations, maxPool);
                var shortcut = Run(block.Shortcut, x, activations, maxPool);
                x = block.Activation.call(main + shortcut);
            }
            else if (layer is MaxPool2d pool && maxPool == MaxPoolMode.Average) x = MaxPoolReplacement.Average(pool, pool.GetName())(x);
            else x = layer.call(x);
            if (layer is ReLU or Qcfs or ResidualBlock) activations.Add(x);
        }
        return x;
    }
}
