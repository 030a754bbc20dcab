using RmpSnn.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Import;

/// <summary>
/// Copies the tensors of a PyTorch checkpoint into an RmpSnn <see cref="Network"/>. The PyTorch name of every RmpSnn
/// state entry is derived from the network's layer structure (CIFAR ResNets: akamaster/pytorch_resnet_cifar10 names;
/// VGGs: <c>features.N</c>/<c>classifier.N</c> in order), and the checkpoint must match it exactly: same keys, same shapes.
/// A missing <c>num_batches_tracked</c> is allowed (the network keeps its own). A conv bias in front of a BatchNorm (RmpSnn's
/// convs followed by BN have none; torchvision's <c>vgg*_bn</c> have one) is folded exactly into that BN's running mean:
/// BN(Wx + b) with mean μ equals BN(Wx) with mean μ − b.
/// </summary>
public static class StateDictMapper
{
    private const string BatchCount = ".num_batches_tracked";
    private const int Listed = 3;

    /// <summary>The PyTorch key each state entry of <paramref name="network"/> is read from, as (RmpSnn key, PyTorch key) in layer order.</summary>
    /// <param name="network">The receiving network.</param>
    /// <param name="checkpointKeys">The checkpoint's keys in file order (VGG names are assigned by their order).</param>
    /// <exception cref="RmpSnnException">The architecture has no known PyTorch layout.</exception>
    public static IReadOnlyList<(string Target, string Source)> KeyMap(Network network, IEnumerable<string> checkpointKeys)
    {
        var names = ModuleNames(network);
        var map = PyTorchNames.For(network, checkpointKeys)
            .SelectMany(m => m.Module.state_dict().Keys.Select(local => (Target: $"{names[m.Module]}.{local}", Source: $"{m.Source}.{local}")))
            .ToList();
        if (!map.Select(m => m.Target).Order().SequenceEqual(network.state_dict().Keys.Order()))
            throw new InvalidOperationException($"the {network.Spec.Arch} PyTorch naming does not cover exactly the network's state entries");
        return map;
    }

    /// <summary>Copies <paramref name="checkpoint"/>'s tensors into <paramref name="network"/> after checking that they fit.</summary>
    /// <exception cref="RmpSnnException">One line naming the file and listing the missing, unexpected and mis-shaped keys.</exception>
    public static void Load(Network network, PyTorchCheckpoint checkpoint)
    {
        var map = KeyMap(network, checkpoint.Tensors.Keys);
        var folds = BiasFolds(network, checkpoint.Tensors.Keys).Where(f => checkpoint.Tensors.ContainsKey(f.Bias)).ToList();
        var state = network.state_dict();
        var missing = new List<string>();
        var wrongShape = new List<string>();
        foreach (var (target, source) in map)
        {
            if (!checkpoint.Tensors.TryGetValue(source, out var tensor))
            {
                if (!source.EndsWith(BatchCount, StringComparison.Ordinal)) missing.Add(source);
            }
            else if (!tensor.shape.SequenceEqual(state[target].shape))
                wrongShape.Add($"{source} is {Shape(tensor)}, expected {Shape(state[target])}");
        }
        foreach (var (bias, mean) in folds)
            if (!checkpoint.Tensors[bias].shape.SequenceEqual(state[mean].shape))
                wrongShape.Add($"{bias} is {Shape(checkpoint.Tensors[bias])}, expected {Shape(state[mean])}");
        var expected = map.Select(m => m.Source).Concat(folds.Select(f => f.Bias)).ToHashSet();
        var unexpected = checkpoint.Tensors.Keys.Where(k => !expected.Contains(k)).ToList();
        if (missing.Count + unexpected.Count + wrongShape.Count > 0)
        {
            var parts = new[] { (Kind: "missing", Keys: missing), (Kind: "unexpected", Keys: unexpected), (Kind: "wrong shape", Keys: wrongShape) }
                .Where(p => p.Keys.Count > 0)
                .Select(p => $"{p.Kind} {p.Keys.Count} ({string.Join(", ", p.Keys.Take(Listed))}{(p.Keys.Count > Listed ? ", …" : "")})");
            throw new RmpSnnException($"{checkpoint.Path}: does not fit {network.Spec.Arch}: {string.Join(", ", parts)}");
        }

        using var _ = no_grad();
        foreach (var (target, source) in map)
            if (checkpoint.Tensors.TryGetValue(source, out var tensor))
                state[target].copy_(tensor);
        foreach (var (bias, mean) in folds) state[mean].sub_(checkpoint.Tensors[bias]);
    }

    /// <summary>
    /// For every bias-free conv directly followed by a BatchNorm: the PyTorch key of a conv bias and the RmpSnn key of
    /// the BN mean it folds into.
    /// </summary>
    private static IEnumerable<(string Bias, string Mean)> BiasFolds(Network network, IEnumerable<string> checkpointKeys)
    {
        var names = ModuleNames(network);
        var modules = PyTorchNames.For(network, checkpointKeys).ToList();
        for (int i = 0; i + 1 < modules.Count; i++)
            if (modules[i].Module is TorchSharp.Modules.Conv2d { bias: null } && modules[i + 1].Module is TorchSharp.Modules.BatchNorm2d)
                yield return ($"{modules[i].Source}.bias", $"{names[modules[i + 1].Module]}.running_mean");
    }

    private static Dictionary<nn.Module, string> ModuleNames(Network network)
    {
        var names = new Dictionary<nn.Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, module) in network.named_modules()) names[module] = name;
        return names;
    }

    private static string Shape(Tensor t) => $"[{string.Join(",", t.shape)}]";
}
