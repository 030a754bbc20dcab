using TorchSharp;

namespace RmpSnn.Models;

/// <summary>
/// Builds the supported networks from a <see cref="ModelSpec"/>. By default every net follows the paper's conversion
/// constraints: no BatchNorm, no bias, average pooling, dropout; the spec can switch on BN, bias and max-pooling.
/// Networks register their layers as <c>layers.i</c>, residual blocks as <c>main.j</c>/<c>shortcut.j</c>; the CIFAR
/// ResNet key layout and its mapping to the PyTorch CIFAR ResNet keys is documented on the <c>ResNet</c> class (ResNet.cs).
/// </summary>
public static class ModelZoo
{
    static readonly (ArchitectureInfo Info, Func<ModelSpec, Network> Create)[] Entries =
    [
        (new("vgg16", "VGG-16, CIFAR variant: 13 conv + 512-512 head (15.2M params on CIFAR-10), the paper's VGG"), s => Vgg.Create(s, Vgg.Vgg16)),
        (new("vgg11", "VGG-11: 8 conv + 512-512 head (9.7M params), faster stand-in for vgg16"), s => Vgg.Create(s, Vgg.Vgg11)),
        (new("vgg9", "narrow VGG-9: 6 conv (32-256 ch) + 512-512 head (1.6M params), CPU-friendly stand-in"), s => Vgg.Create(s, Vgg.Vgg9)),
        (new("resnet20", "CIFAR ResNet-20 (He et al.), 16/32/64 ch x 3 blocks, 0.27M params, option-A shortcuts"), s => ResNet.Cifar(s, 3)),
        (new("resnet32", "CIFAR ResNet-32, 5 blocks per stage, 0.46M params"), s => ResNet.Cifar(s, 5)),
        (new("resnet44", "CIFAR ResNet-44, 7 blocks per stage, 0.66M params"), s => ResNet.Cifar(s, 7)),
        (new("resnet56", "CIFAR ResNet-56, 9 blocks per stage, 0.85M params"), s => ResNet.Cifar(s, 9)),
        (new("resnet18", "ImageNet-style ResNet-18 (3x3 stem for images <= 64 px), projection shortcuts, 11M params"),
            s => ResNet.ImageNet(s, [2, 2, 2, 2])),
        (new("resnet34", "ImageNet-style ResNet-34 (3x3 stem for images <= 64 px), projection shortcuts, 21M params"),
            s => ResNet.ImageNet(s, [3, 4, 6, 3])),
        (new("smallcnn", "3-conv CNN for 28x28 MNIST/Fashion-MNIST (0.43M params), ~90% on Fashion-MNIST in minutes"), SmallCnn.Create),
    ];

    /// <summary>The known architectures, in display order.</summary>
    public static IReadOnlyList<ArchitectureInfo> Architectures { get; } = Entries.Select(e => e.Info).ToArray();

    /// <summary>
    /// Builds a freshly initialised network for <paramref name="spec"/> (on the CPU, in training mode); with a
    /// <paramref name="seed"/>, torch's global generator is seeded first so the initial weights are reproducible.
    /// </summary>
    /// <exception cref="RmpSnnException">Unknown architecture or an option the architecture cannot honour.</exception>
    public static Network Create(ModelSpec spec, int? seed = null)
    {
        if (spec.InChannels <= 0 || spec.ImageSize <= 0 || spec.Classes <= 1)
            throw new RmpSnnException($"model spec {spec.Arch}: expected positive channels and image size and at least 2 classes, " +
                $"got {spec.InChannels}x{spec.ImageSize}x{spec.ImageSize} -> {spec.Classes}");
        if (spec.Dropout is < 0 or >= 1)
            throw new RmpSnnException($"--dropout {spec.Dropout}: expected a probability in [0, 1)");
        if (seed is int s) torch.random.manual_seed(s);
        foreach (var (info, create) in Entries)
            if (string.Equals(info.Name, spec.Arch, StringComparison.OrdinalIgnoreCase))
                return create(spec);
        throw new RmpSnnException(
            $"--arch {spec.Arch}: unknown architecture; expected one of {string.Join(", ", Architectures.Select(a => a.Name))}");
    }
}
