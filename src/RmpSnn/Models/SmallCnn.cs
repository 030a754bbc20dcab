using RmpSnn.Graph;

namespace RmpSnn.Models;

/// <summary>
/// A small CNN for 28×28 MNIST/Fashion-MNIST (any size divisible by 4): conv3×3(→16) ReLU pool2 conv3×3(16→32) ReLU
/// pool2 conv3×3(32→64) ReLU → Flatten → Dropout → Linear(64·(S/4)², 128) ReLU → Dropout → Linear(128, classes).
/// 425,872 parameters and 2.3M MACs per image for 1×28×28 → 10 classes without bias: pooling early keeps the SNN
/// simulation (T network passes per image) cheap enough for the demo.
/// </summary>
internal static class SmallCnn
{
    public static Network Create(ModelSpec spec)
    {
        if (spec.ImageSize % 4 != 0)
            throw new RmpSnnException($"--image-size {spec.ImageSize}: smallcnn pools twice, so it needs a multiple of 4");
        long side = spec.ImageSize / 4;
        var (_, layers) = Layers.Start(spec);
        Layers.ConvRelu(layers, spec, spec.InChannels, 16);
        Layers.Pool(layers, spec);
        Layers.ConvRelu(layers, spec, 16, 32);
        Layers.Pool(layers, spec);
        Layers.ConvRelu(layers, spec, 32, 64);
        layers.Add(name => new FlattenNode(name));
        Layers.Dropout(layers, spec);
        Layers.Linear(layers, spec, 64 * side * side, 128);
        layers.Add(name => Layers.Activation(spec, name));
        Layers.Dropout(layers, spec);
        Layers.Linear(layers, spec, 128, spec.Classes, hidden: false);
        return Layers.Finish(spec, layers);
    }
}
