using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RmpSnn.Tests.Import;

/// <summary>
/// The CIFAR ResNet-(6n+2) of akamaster/pytorch_resnet_cifar10 written from its PyTorch definition, independently of
/// RmpSnn's model code: a random state dict under its key names, and its forward pass in functional torch ops.
/// </summary>
internal static class AkamasterResNet
{
    /// <summary>Random weights (He-scaled convs, BN statistics off their defaults), keys in PyTorch registration order.</summary>
    public static OrderedDictionary<string, Tensor> StateDict(int depth, bool optionB, int seed)
    {
        var g = new TorchSharp.torch.Generator((ulong)seed);
        var sd = new OrderedDictionary<string, Tensor>();
        void Conv(string name, long outC, long inC, long k) =>
            sd[$"{name}.weight"] = randn([outC, inC, k, k], generator: g) * Math.Sqrt(2.0 / (inC * k * k));
        void Bn(string name, long c)
        {
            sd[$"{name}.weight"] = rand([c], generator: g) * 0.5 + 0.5;
            sd[$"{name}.bias"] = randn([c], generator: g) * 0.1;
            sd[$"{name}.running_mean"] = randn([c], generator: g) * 0.1;
            sd[$"{name}.running_var"] = rand([c], generator: g) + 0.5;
        }
        Conv("conv1", 16, 3, 3);
        Bn("bn1", 16);
        foreach (var (p, inC, planes, stride) in Blocks(depth))
        {
            Conv($"{p}.conv1", planes, inC, 3);
            Bn($"{p}.bn1", planes);
            Conv($"{p}.conv2", planes, planes, 3);
            Bn($"{p}.bn2", planes);
            if (optionB && (stride != 1 || inC != planes))
            {
                Conv($"{p}.shortcut.0", planes, inC, 1);
                Bn($"{p}.shortcut.1", planes);
            }
        }
        sd["linear.weight"] = randn([10, 64], generator: g) * 0.125;
        sd["linear.bias"] = randn([10], generator: g) * 0.01;
        return sd;
    }

    /// <summary>akamaster's <c>ResNet.forward</c> in eval mode.</summary>
    public static Tensor Forward(IReadOnlyDictionary<string, Tensor> sd, int depth, bool optionB, Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor Conv(Tensor t, string name, long stride) =>
            F.conv2d(t, sd[$"{name}.weight"], strides: [stride, stride],
                padding: [sd[$"{name}.weight"].shape[3] / 2, sd[$"{name}.weight"].shape[3] / 2]);
        Tensor Bn(Tensor t, string name) => F.batch_norm(t, sd[$"{name}.running_mean"], sd[$"{name}.running_var"],
            sd[$"{name}.weight"], sd[$"{name}.bias"], training: false, eps: 1e-5);
        var h = F.relu(Bn(Conv(x, "conv1", 1), "bn1"));
        foreach (var (p, inC, planes, stride) in Blocks(depth))
        {
            var main = Bn(Conv(F.relu(Bn(Conv(h, $"{p}.conv1", stride), $"{p}.bn1")), $"{p}.conv2", 1), $"{p}.bn2");
            var shortcut = stride == 1 && inC == planes ? h
                : optionB ? Bn(Conv(h, $"{p}.shortcut.0", stride), $"{p}.shortcut.1")
                : F.pad(h[.., .., TensorIndex.Slice(null, null, 2), TensorIndex.Slice(null, null, 2)], [0, 0, 0, 0, planes / 4, planes / 4]);
            h = F.relu(main + shortcut);
        }
        return F.linear(h.mean([2, 3]), sd["linear.weight"], sd["linear.bias"]).MoveToOuterDisposeScope();
    }

    /// <summary>(key prefix, in channels, planes, stride) of every BasicBlock.</summary>
    private static IEnumerable<(string Prefix, long InC, long Planes, long Stride)> Blocks(int depth)
    {
        long inC = 16;
        for (int s = 1; s <= 3; s++)
            for (int b = 0; b < (depth - 2) / 6; b++)
            {
                long planes = 16L << (s - 1);
                yield return ($"layer{s}.{b}", inC, planes, s > 1 && b == 0 ? 2 : 1);
                inC = planes;
            }
    }
}
