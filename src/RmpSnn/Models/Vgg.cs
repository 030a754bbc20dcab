using RmpSnn.Graph;

namespace RmpSnn.Models;

/// <summary>
/// CIFAR-style VGG nets: 3×3 convs with ReLU, 2×2 pooling after each block (5 pools, so the image size must be a
/// multiple of 32), dropout after every conv ReLU that is not followed by pooling, then the 512-wide head
/// Flatten → Linear(512·(S/32)², 512) → ReLU → Dropout → Linear(512, 512) → ReLU → Dropout → Linear(512, classes).
/// The 512-wide head (not ImageNet's 4096) is the CIFAR variant of the paper's code: on a 1×1 feature map a 4096 head
/// adds 40M+ parameters and no accuracy.
/// </summary>
internal static class Vgg
{
    const int P = 0; // pooling marker in the configurations below

    /// <summary>VGG-16 (13 conv): 15,239,872 parameters for 3×32×32 → 10 classes without BN/bias.</summary>
    public static readonly int[] Vgg16 = [64, 64, P, 128, 128, P, 256, 256, 256, P, 512, 512, 512, P, 512, 512, 512, P];
    /// <summary>VGG-11 (8 conv): 9,747,136 parameters for CIFAR-10; a faster stand-in for VGG-16 on CPU.</summary>
    public static readonly int[] Vgg11 = [64, P, 128, P, 256, 256, P, 512, 512, P, 512, 512, P];
    /// <summary>
    /// A narrow VGG-9 (6 conv of 32–256 channels + the 3-layer head): 1,569,632 parameters for CIFAR-10; a
    /// CPU-friendly stand-in.
    /// </summary>
    public static readonly int[] Vgg9 = [32, 32, P, 64, 64, P, 128, 128, P, 256, P, 256, P];

    /// <summary>Builds the layers for <paramref name="config"/> (channel counts, <c>0</c> = pooling).</summary>
    public static Network Create(ModelSpec spec, int[] config)
    {
        if (spec.ImageSize % 32 != 0)
            throw new RmpSnnException($"--image-size {spec.ImageSize}: {spec.Arch} pools five times, so it needs a multiple of 32");
        var (_, layers) = Layers.Start(spec);
        long channels = spec.InChannels;
        for (int i = 0; i < config.Length; i++)
        {
            if (config[i] == P) { Layers.Pool(layers, spec); continue; }
            Layers.ConvRelu(layers, spec, channels, config[i]);
            if (config[i + 1] != P) Layers.Dropout(layers, spec);
            channels = config[i];
        }
        long side = spec.ImageSize / 32;
        layers.Add(name => new FlattenNode(name));
        Layers.Linear(layers, spec, channels * side * side, 512);
        layers.Add(name => Layers.Activation(spec, name));
        Layers.Dropout(layers, spec);
        Layers.Linear(layers, spec, 512, 512);
        layers.Add(name => Layers.Activation(spec, name));
        Layers.Dropout(layers, spec);
        Layers.Linear(layers, spec, 512, spec.Classes, hidden: false);
        return Layers.Finish(spec, layers);
    }
}
