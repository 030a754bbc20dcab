using RmpSnn.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RmpSnn.Conversion;

/// <summary>
/// Runs an ANN and collects the output of every ReLU in the order the converter creates IF layers
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

    static Tensor Run(IReadOnlyList<nn.Module<Tensor, Tensor>> layers, Tensor x, List<Tensor> activations)
    {
        foreach (var layer in layers)
        {
            if (layer is ResidualBlock block)
            {
                var main = Run(block.Main, x, activations);
                var shortcut = Run(block.Shortcut, x, activations);
                x = nn.functional.relu(main + shortcut);
            }
            else x = layer.call(x);
            if (layer is ReLU or ResidualBlock) activations.Add(x);
        }
        return x;
    }
}
