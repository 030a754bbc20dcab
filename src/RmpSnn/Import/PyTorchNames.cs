using RmpSnn.Graph;
using RmpSnn.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Import;

/// <summary>
/// The PyTorch module name each stateful RmpSnn layer (conv, BatchNorm, linear) is loaded from, found by walking the
/// network's layer structure. Every state entry then maps by its local name: <c>weight</c>, <c>bias</c>,
/// <c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c> are the same on both sides.
/// </summary>
internal static class PyTorchNames
{
    private static readonly string[] CifarResNets = ["resnet20", "resnet32", "resnet44", "resnet56"];
    private static readonly string[] TorchvisionResNets = ["resnet18", "resnet34"];
    private static readonly string[] Vggs = ["vgg9", "vgg11", "vgg16"];

    /// <summary>The architectures a checkpoint can be imported into.</summary>
    public static IReadOnlyList<string> Architectures { get; } = [.. CifarResNets, .. TorchvisionResNets, .. Vggs];

    /// <summary>Whether <paramref name="arch"/> is one of the CIFAR ResNets (which take a shortcut option).</summary>
    public static bool IsCifarResNet(string arch) => CifarResNets.Contains(arch, StringComparer.OrdinalIgnoreCase);

    /// <summary>The PyTorch naming of <paramref name="network"/>'s architecture.</summary>
    /// <exception cref="RmpSnnException">The architecture has no known PyTorch layout.</exception>
    public static IEnumerable<(nn.Module Module, string Source)> For(Network network, IEnumerable<string> checkpointKeys)
    {
        string arch = network.Spec.Arch;
        if (IsCifarResNet(arch)) return ResNet(network, "shortcut", "linear");
        if (TorchvisionResNets.Contains(arch, StringComparer.OrdinalIgnoreCase)) return ResNet(network, "downsample", "fc");
        if (Vggs.Contains(arch, StringComparer.OrdinalIgnoreCase)) return Vgg(network, checkpointKeys);
        throw new RmpSnnException($"--arch {arch}: cannot import PyTorch weights into it; supported: {string.Join(", ", Architectures)}");
    }

    /// <summary>
    /// ResNets of BasicBlocks: stem <c>conv1</c>, <c>bn1</c>; block b of stage s (1-based, a stage starting at every block
    /// with a non-identity shortcut) <c>layer{s}.{b}.conv1/bn1/conv2/bn2</c> and, for a projection shortcut,
    /// <c>layer{s}.{b}.{shortcut}.0/1</c>; classifier <c>{classifier}</c>. akamaster/pytorch_resnet_cifar10's CIFAR ResNets
    /// name these <c>shortcut</c> and <c>linear</c>, torchvision's resnet18/34 <c>downsample</c> and <c>fc</c>. The zoo's
    /// node names say where each node sits: <c>layers.i</c> at the top, <c>layers.i.main.j</c> and <c>layers.i.shortcut.j</c> in block i.
    /// </summary>
    public static IEnumerable<(nn.Module Module, string Source)> ResNet(Network network, string shortcut, string classifier)
    {
        var nodes = network.Graph.Nodes;
        var withShortcut = nodes.Select(n => Place(n.Name)).Where(p => p.Path == "shortcut").Select(p => p.Block).ToHashSet();
        var top = new Numbering("", classifier);
        var blocks = new Dictionary<string, (string Prefix, Numbering Main)>();
        int stage = 0, block = 0;
        foreach (var node in nodes)
        {
            var (owner, path, index) = Place(node.Name);
            if (owner is null)
            {
                if (top.Name(node) is { } name) yield return (node.Module!, name);
                continue;
            }
            if (!blocks.TryGetValue(owner, out var numbering))
            {
                if (stage == 0 || withShortcut.Contains(owner)) (stage, block) = (stage + 1, 0);
                string prefix = $"layer{stage}.{block++}";
                blocks[owner] = numbering = (prefix, new Numbering(prefix + ".", classifier));
            }
            if (path == "main" && numbering.Main.Name(node) is { } inner) yield return (node.Module!, inner);
            else if (path == "shortcut" && Numbering.HasState(node)) yield return (node.Module!, $"{numbering.Prefix}.{shortcut}.{index}");
        }
    }

    /// <summary>
    /// VGG state dicts (<c>features.N.*</c> for convs and BatchNorms, <c>classifier.N.*</c> for linears, as in torchvision
    /// and the common CIFAR VGGs): the i-th conv/BN of the network is the i-th module under <c>features.</c> in
    /// <paramref name="checkpointKeys"/> order, the i-th linear the i-th module under <c>classifier.</c>. When the checkpoint
    /// has too few, the name is a placeholder <c>features.&lt;none for layers.i&gt;</c> that is then reported missing.
    /// </summary>
    public static IEnumerable<(nn.Module Module, string Source)> Vgg(Network network, IEnumerable<string> checkpointKeys)
    {
        var modules = checkpointKeys.Select(k => k[..Math.Max(k.LastIndexOf('.'), 0)]).Distinct().ToList();
        var features = new Queue<string>(modules.Where(m => m.StartsWith("features.", StringComparison.Ordinal)));
        var classifier = new Queue<string>(modules.Where(m => m.StartsWith("classifier.", StringComparison.Ordinal)));
        foreach (var node in network.Graph.Nodes.Where(Numbering.HasState))
        {
            var (group, queue) = node is LinearNode ? ("classifier", classifier) : ("features", features);
            yield return (node.Module!, queue.TryDequeue(out var name) ? name : $"{group}.<none for {node.Name}>");
        }
    }

    /// <summary>
    /// Block, path (<c>main</c>/<c>shortcut</c>) and position of a zoo node name <c>layers.i.path.j</c>; no block for
    /// <c>layers.i</c>.
    /// </summary>
    private static (string? Block, string? Path, string? Index) Place(string name)
    {
        var parts = name.Split('.');
        return parts.Length == 4 ? ($"{parts[0]}.{parts[1]}", parts[2], parts[3]) : (null, null, null);
    }

    /// <summary>
    /// Names convs <c>conv1, conv2, …</c>, BatchNorms <c>bn1, bn2, …</c> and the linear layer (named by the
    /// architecture) under a prefix.
    /// </summary>
    private sealed class Numbering(string prefix, string linear)
    {
        private int convs, norms;

        public static bool HasState(GraphNode node) => node is Conv2dNode or BatchNormNode or LinearNode;

        public string? Name(GraphNode node) => node switch
        {
            Conv2dNode => $"{prefix}conv{++convs}",
            BatchNormNode => $"{prefix}bn{++norms}",
            LinearNode => $"{prefix}{linear}",
            _ => null,
        };
    }
}
