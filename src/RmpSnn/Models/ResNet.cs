using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Models;

/// <summary>
/// ResNets built from BasicBlocks (<see cref="ResidualBlock"/>: conv3×3–[BN]–ReLU–conv3×3–[BN], ReLU after the add).
/// Without BN the last conv of every block is scaled by <c>blocks^-1/2</c> (Fixup-style) so deep stacks start stable.
/// </summary>
/// <remarks>
/// State-dict layout of the CIFAR family with n blocks per stage (resnet20: n = 3), and the matching keys of the
/// PyTorch CIFAR ResNets (akamaster/pytorch_resnet_cifar10). With <c>BatchNorm</c> on:
/// <list type="bullet">
/// <item><c>layers.0.weight</c> ↔ <c>conv1.weight</c>; <c>layers.1.*</c> ↔ <c>bn1.*</c>; <c>layers.2</c> is the ReLU.</item>
/// <item>block b of stage s (0-based) is <c>layers.{3 + s·n + b}</c> ↔ <c>layer{s+1}.{b}</c>; inside it
///   <c>main.0.weight</c> ↔ <c>conv1.weight</c>, <c>main.1.*</c> ↔ <c>bn1.*</c>, <c>main.3.weight</c> ↔ <c>conv2.weight</c>,
///   <c>main.4.*</c> ↔ <c>bn2.*</c>; an option-B shortcut has <c>shortcut.0.weight</c>, <c>shortcut.1.*</c> (same names in
///   PyTorch); option A has no parameters.</item>
/// <item><c>layers.{3n+3}</c> = AdaptiveAvgPool2d, <c>layers.{3n+4}</c> = Flatten, <c>layers.{3n+5}.weight/.bias</c> ↔ <c>linear.weight/.bias</c>.</item>
/// </list>
/// For resnet20 (n = 3): blocks are <c>layers.3</c>…<c>layers.11</c>, the classifier is <c>layers.14</c>. BN modules carry
/// <c>weight, bias, running_mean, running_var, num_batches_tracked</c> like PyTorch. Without BN every BN entry disappears and
/// indices shift: stem conv <c>layers.0</c>, blocks from <c>layers.2</c> (<c>main.0</c>, <c>main.2</c> are the convs),
/// classifier <c>layers.{3n+4}</c>.
/// </remarks>
internal static class ResNet
{
    /// <summary>
    /// The CIFAR ResNet-(6n+2) of He et al.: conv3×3(→16) stem, three stages of 16/32/64 channels × n blocks, global
    /// average pool, Linear(64, classes). resnet20 has 268,336 parameters without BN/bias (0.27M with BN, as published).
    /// </summary>
    public static Network Cifar(ModelSpec spec, int n)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>(Layers.ConvRelu(spec, spec.InChannels, 16));
        layers.AddRange(Stages(spec, 16, [16, 32, 64], [n, n, n], ShortcutOption(spec, 'A')));
        return new Network(spec, Head(spec, layers, 64));
    }

    /// <summary>
    /// ImageNet-style ResNet-18/34: 7×7 stride-2 conv + 3×3 stride-2 pool stem (a 3×3 stride-1 conv without pool when the
    /// image is at most 64 pixels), stages of 64/128/256/512 channels, projection shortcuts by default, global average pool.
    /// </summary>
    public static Network ImageNet(ModelSpec spec, int[] blocks)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        if (spec.ImageSize <= 64)
            layers.AddRange(Layers.ConvRelu(spec, spec.InChannels, 64));
        else
        {
            layers.AddRange(Layers.ConvRelu(spec, spec.InChannels, 64, kernel: 7, stride: 2));
            layers.Add(Layers.Pool(spec, kernel: 3, stride: 2, padding: 1));
        }
        layers.AddRange(Stages(spec, 64, [64, 128, 256, 512], blocks, ShortcutOption(spec, 'B')));
        return new Network(spec, Head(spec, layers, 512));
    }

    static List<nn.Module<Tensor, Tensor>> Head(ModelSpec spec, List<nn.Module<Tensor, Tensor>> layers, long channels)
    {
        layers.Add(nn.AdaptiveAvgPool2d(1));
        layers.Add(nn.Flatten());
        layers.Add(Layers.Linear(spec, channels, spec.Classes, hidden: false));
        return layers;
    }

    static IEnumerable<ResidualBlock> Stages(ModelSpec spec, long inC, int[] widths, int[] blocks, char shortcut)
    {
        double scale = spec.BatchNorm ? 1 : 1 / Math.Sqrt(blocks.Sum());
        for (int s = 0; s < widths.Length; s++)
            for (int b = 0; b < blocks[s]; b++)
            {
                long stride = s > 0 && b == 0 ? 2 : 1;
                yield return BasicBlock(spec, inC, widths[s], stride, shortcut, scale);
                inC = widths[s];
            }
    }

    static ResidualBlock BasicBlock(ModelSpec spec, long inC, long outC, long stride, char shortcut, double scale)
    {
        var main = Layers.ConvRelu(spec, inC, outC, stride: stride).Concat(Layers.Conv(spec, outC, outC)).ToList();
        if (scale != 1)
        {
            using var _ = no_grad();
            ((TorchSharp.Modules.Conv2d)main[^1]).weight!.mul_(scale);
        }
        IEnumerable<nn.Module<Tensor, Tensor>> path =
            stride == 1 && inC == outC ? [] :
            shortcut == 'A' ? [new ZeroPadShortcut((int)stride, (int)(outC - inC) / 2)] :
            Layers.Conv(spec, inC, outC, kernel: 1, stride: stride);
        return new ResidualBlock(main, path, Layers.Activation(spec));
    }

    static char ShortcutOption(ModelSpec spec, char defaultOption) => spec.Shortcut?.ToUpperInvariant() switch
    {
        null => defaultOption,
        "A" => 'A',
        "B" => 'B',
        _ => throw new RmpSnnException($"--shortcut {spec.Shortcut}: expected A (zero-pad) or B (1x1 projection)"),
    };
}
