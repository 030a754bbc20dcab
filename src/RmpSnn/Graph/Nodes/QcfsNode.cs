namespace RmpSnn.Graph;

/// <summary>The quantisation-clip-floor-shift activation (<see cref="Graph.Qcfs"/>) with its trainable clip λ.</summary>
public sealed class QcfsNode(string name, Qcfs module) : ModuleNode<Qcfs>(name, module)
{
    /// <summary>The activation module (λ is its parameter <c>lambda</c>).</summary>
    public Qcfs Qcfs => Wrapped;

    /// <inheritdoc/>
    public override string Op => "QCFS";
}
