using TorchSharp;
using static TorchSharp.torch;

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
        var layers = new List<nn.Module<Tensor, Tensor>>();
        layers.AddRange(Layers.ConvRelu(spec, spec.InChannels, 16));
        layers.Add(Layers.Pool(spec));
        layers.AddRange(Layers.ConvRelu(spec, 16, 32));
        layers.Add(Layers.Pool(spec));
        layers.AddRange(Layers.ConvRelu(spec, 32, 64));
        layers.Add(nn.Flatten());
        layers.AddRange(Layers.Dropout(spec));
        layers.Add(Layers.Linear(spec, 64 * side * side, 128));
        layers.Add(Layers.Activation(spec));
        layers.AddRange(Layers.Dropout(spec));
        layers.Add(Layers.Linear(spec, 128, spec.Classes, hidden: false));
        return new Network(spec, layers);
    }
}
