namespace RmpSnn.Models;

/// <summary>
/// Everything needed to rebuild a network: architecture name plus options. Serialised into every model file,
/// so <c>convert</c> and <c>eval</c> need no extra flags.
/// </summary>
/// <param name="Arch">Architecture: <c>vgg16</c>, <c>resnet20</c>, <c>resnet34</c>, <c>smallcnn</c>, … (see <c>ModelZoo</c>).</param>
/// <param name="InChannels">Input channels (1 for Fashion-MNIST, 3 for CIFAR).</param>
/// <param name="ImageSize">Input height = width.</param>
/// <param name="Classes">Output classes.</param>
/// <param name="BatchNorm">Insert BatchNorm after each conv (unconstrained; folded away at conversion).</param>
/// <param name="Bias">Give conv/linear layers a bias (unconstrained; becomes a constant current in the SNN). Convs followed
/// by BatchNorm never get one (BN's shift replaces it), as in the published PyTorch ResNets.</param>
/// <param name="MaxPool">Use max-pooling instead of the paper's average pooling.</param>
/// <param name="Dropout">Dropout probability before each hidden linear layer (and in VGG between conv blocks); removed at conversion.</param>
/// <param name="Shortcut">ResNet shortcut when shapes change: <c>A</c> = parameter-free subsample + zero channels,
/// <c>B</c> = 1×1 conv [+BN] projection; <c>null</c> = the architecture's default (A for CIFAR ResNets, B for resnet18/34).</param>
/// <param name="Activation">Hidden activation: <c>relu</c>, or <c>qcfs</c> (<see cref="Graph.Qcfs"/>, for low-latency conversion).
/// Model files written before this option existed read as <c>relu</c>.</param>
/// <param name="QuantLevels">L, the quantisation levels of <c>qcfs</c> (ignored for <c>relu</c>).</param>
public sealed record ModelSpec(
    string Arch,
    int InChannels,
    int ImageSize,
    int Classes,
    bool BatchNorm = false,
    bool Bias = false,
    bool MaxPool = false,
    double Dropout = 0.2,
    string? Shortcut = null,
    string Activation = "relu",
    int QuantLevels = 8)
{
    /// <summary>True when the hidden activation is <see cref="Graph.Qcfs"/>.</summary>
    public bool IsQcfs => string.Equals(Activation, "qcfs", StringComparison.OrdinalIgnoreCase);
}
