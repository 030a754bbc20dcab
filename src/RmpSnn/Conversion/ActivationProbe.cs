using RmpSnn.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RmpSnn.Conversion;

/// <summary>
/// Runs an ANN and collects the output of every ReLU (or QCFS activation) in the order the converter creates IF layers
/// (inside a residual block: main-path ReLUs, then the ReLU after the addition), plus the final output.
/// </summary>
public static class ActivationProbe
{
    /// <summary>Returns per-ReLU activations (each <c>[B, …]</c>) and the network output, in conversion order.</summary>
    public static (List<Tensor> Activations, Tensor Output) Collect(Network ann, Tensor input)
    {
        var activations = new List<Tensor>();
        var output = Run(ann.Layers, input, activations);
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

    static Tensor Run(IReadOnlyList<nn.Module<Tensor, Tensor>> layers, Tensor x, List<Tensor> activations)
    {
        foreach (var layer in layers)
        {
            if (layer is ResidualBlock block)
            {
                var main = Run(block.Main, x, activations);
                var shortcut = Run(block.Shortcut, x, activations);
                x = block.Activation.call(main + shortcut);
            }
            else x = layer.call(x);
            if (layer is ReLU or Qcfs or ResidualBlock) activations.Add(x);
        }
        return x;
    }
}
