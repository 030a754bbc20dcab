using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>
/// One typed operation of a <see cref="NetworkGraph"/>, named after its source (<c>layers.3.main.0</c>, <c>features.7</c>,
/// an ONNX node's name). A node knows its operation and parameters, not its neighbours: the graph holds the edges, so
/// passes can rewire nodes without copying them. Nodes with parameters own them through a TorchSharp <see cref="Module"/>
/// (trainable, moved with the network) or, after conversion, through detached tensors.
/// </summary>
public abstract class GraphNode(string name)
{
    /// <summary>Hierarchical name, unique in its graph; state-dict keys of <see cref="Module"/> start with it.</summary>
    public string Name { get; } = name;

    /// <summary>The operation, as reports and error messages name it (<c>Conv2d</c>, <c>ReLU</c>, <c>Add</c>, …).</summary>
    public abstract string Op { get; }

    /// <summary>How many inputs the node takes.</summary>
    public virtual int Arity => 1;

    /// <summary>The TorchSharp module that owns this node's parameters and buffers, registered under <see cref="Name"/>; null for none.</summary>
    public virtual TorchSharp.torch.nn.Module? Module => null;

    /// <summary>The ANN semantics of the node on <c>[N, …]</c> tensors.</summary>
    public abstract Tensor Forward(IReadOnlyList<Tensor> inputs);

    /// <summary><c>Name (Op)</c>, the form every message uses.</summary>
    public override string ToString() => $"{Name} ({Op})";
}
