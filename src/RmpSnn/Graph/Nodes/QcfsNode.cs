using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>The quantisation-clip-floor-shift activation (<see cref="Graph.Qcfs"/>) with its trainable clip λ.</summary>
public sealed class QcfsNode(string name, Qcfs module) : GraphNode(name)
{
    /// <summary>The activation module (λ is its parameter <c>lambda</c>).</summary>
    public Qcfs Qcfs { get; } = module;

    /// <inheritdoc/>
    public override string Op => "QCFS";
    /// <inheritdoc/>
    public override TorchSharp.torch.nn.Module? Module => Qcfs;
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => Qcfs.call(inputs[0]);
}
