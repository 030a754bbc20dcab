using RmpSnn.Graph;
using static TorchSharp.torch;

namespace RmpSnn.Models;

/// <summary>
/// ResNets built from BasicBlocks (conv3×3–[BN]–ReLU–conv3×3–[BN], ReLU after the add; <see cref="Layers.Residual"/>).
/// Without BN the last conv of every block is scaled by <c>blocks^-1/2</c> (Fixup-style) so deep stacks start stable.
/// </summary>
/// <remarks>
/// Node names (and state-dict keys) of the CIFAR family with n blocks per stage (resnet20: n = 3), and the matching keys of
/// the PyTorch CIFAR ResNets (akamaster/pytorch_resnet_cifar10). With <c>BatchNorm</c> on:
/// <list type="bullet">
/// <item><c>layers.0</c> ↔ <c>conv1</c>; <c>layers.1</c> ↔ <c>bn1</c>; <c>layers.2</c> is the ReLU.</item>
/// <item>block b of stage s (0-based) is <c>layers.{3 + s·n + b}</c> ↔ <c>layer{s+1}.{b}</c>; inside it
///   <c>main.0</c> ↔ <c>conv1</c>, <c>main.1</c> ↔ <c>bn1</c>, <c>main.3</c> ↔ <c>conv2</c>, <c>main.4</c> ↔ <c>bn2</c>,
///   then <c>add</c> and <c>activation</c>; an option-B shortcut has <c>shortcut.0</c>, <c>shortcut.1</c> (same names in
///   PyTorch); option A is <c>shortcut.0</c> (Slice) and <c>shortcut.1</c> (Pad), without parameters.</item>
/// <item><c>layers.{3n+3}</c> = global average pool, <c>layers.{3n+4}</c> = Flatten, <c>layers.{3n+5}</c> ↔ <c>linear</c>.</item>
/// </list>
/// For resnet20 (n = 3): blocks are <c>layers.3</c>…<c>layers.11</c>, the classifier is <c>layers.14</c>. BN modules carry
/// <c>weight, bias, running_mean, running_var, num_batches_tracked</c> like PyTorch. Without BN every BN node disappears and
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
        var (_, layers) = Layers.Start(spec);
        Layers.ConvRelu(layers, spec, spec.InChannels, 16);
        Stages(layers, spec, 16, [16, 32, 64], [n, n, n], ShortcutOption(spec, 'A'));
        return Head(layers, spec, 64);
    }

    /// <summary>
    /// ImageNet-style ResNet-18/34: 7×7 stride-2 conv + 3×3 stride-2 pool stem (a 3×3 stride-1 conv without pool when the
    /// image is at most 64 pixels), stages of 64/128/256/512 channels, projection shortcuts by default, global average pool.
    /// </summary>
    public static Network ImageNet(ModelSpec spec, int[] blocks)
    {
        var (_, layers) = Layers.Start(spec);
        if (spec.ImageSize <= 64)
            Layers.ConvRelu(layers, spec, spec.InChannels, 64);
        else
        {
            Layers.ConvRelu(layers, spec, spec.InChannels, 64, kernel: 7, stride: 2);
            Layers.Pool(layers, spec, kernel: 3, stride: 2, padding: 1);
        }
        Stages(layers, spec, 64, [64, 128, 256, 512], blocks, ShortcutOption(spec, 'B'));
        return Head(layers, spec, 512);
    }

    static Network Head(LayerStack layers, ModelSpec spec, long channels)
    {
        layers.Add(name => new GlobalAvgPoolNode(name));
        layers.Add(name => new FlattenNode(name));
        Layers.Linear(layers, spec, channels, spec.Classes, hidden: false);
        return Layers.Finish(spec, layers);
    }

    static void Stages(LayerStack layers, ModelSpec spec, long inC, int[] widths, int[] blocks, char shortcut)
    {
        double scale = spec.BatchNorm ? 1 : 1 / Math.Sqrt(blocks.Sum());
        for (int s = 0; s < widths.Length; s++)
            for (int b = 0; b < blocks[s]; b++)
            {
                long stride = s > 0 && b == 0 ? 2 : 1;
                BasicBlock(layers, spec, inC, widths[s], stride, shortcut, scale);
                inC = widths[s];
            }
    }

    static void BasicBlock(LayerStack layers, ModelSpec spec, long inC, long outC, long stride, char shortcut, double scale) =>
        Layers.Residual(layers, name => Layers.Activation(spec, name),
            main =>
            {
                Layers.ConvRelu(main, spec, inC, outC, stride: stride);
                var last = Layers.Conv(main, spec, outC, outC);
                if (scale == 1) return;
                using var _ = no_grad();
                last.mul_(scale);
            },
            path =>
            {
                if (stride == 1 && inC == outC) return;
                if (shortcut == 'B') Layers.Conv(path, spec, inC, outC, kernel: 1, stride: stride);
                else
                {
                    path.Add(name => new SliceNode(name, stride));
                    long pad = (outC - inC) / 2;
                    path.Add(name => new PadNode(name, [0, 0, 0, 0, pad, pad]));
                }
            });

    static char ShortcutOption(ModelSpec spec, char defaultOption) => spec.Shortcut?.ToUpperInvariant() switch
    {
        null => defaultOption,
        "A" => 'A',
        "B" => 'B',
        _ => throw new RmpSnnException($"--shortcut {spec.Shortcut}: expected A (zero-pad) or B (1x1 projection)"),
    };
}
