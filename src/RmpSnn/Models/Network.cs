using RmpSnn.Graph;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Models;

/// <summary>
/// An ANN given as a <see cref="NetworkGraph"/>, run as a TorchSharp module: <c>forward</c> walks the graph, and every
/// node's module is registered under the node's name, so state-dict keys are <c>{node name}.{weight|bias|…}</c>
/// (<c>layers.3.main.0.weight</c>), training, <c>to(device)</c>, <c>eval()</c> and model files work on any graph.
/// </summary>
public sealed class Network : nn.Module<Tensor, Tensor>
{
    readonly Dictionary<string, nn.Module> _scopes = new(StringComparer.Ordinal);

    /// <summary>Creates a network from its spec and graph; the graph's modules become this module's children.</summary>
    public Network(ModelSpec spec, NetworkGraph graph) : base(spec.Arch)
    {
        Spec = spec;
        Graph = graph;
        foreach (var node in graph.Nodes)
            if (node.Module is { } module) Register(node.Name, module);
    }

    /// <summary>The architecture and options this network was built from.</summary>
    public ModelSpec Spec { get; }

    /// <summary>The nodes and edges.</summary>
    public NetworkGraph Graph { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var output = Graph.Evaluate(input, (i, operands) => Graph.Nodes[i].Forward(operands), t => t.Dispose());
        return ReferenceEquals(output, input) ? output.alias() : output;
    }

    /// <summary>Registers <paramref name="module"/> at the dotted <paramref name="path"/>, creating empty scopes for its prefixes.</summary>
    void Register(string path, nn.Module module)
    {
        var parts = path.Split('.');
        nn.Module parent = this;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            string prefix = string.Join('.', parts[..(i + 1)]);
            if (!_scopes.TryGetValue(prefix, out var scope))
            {
                scope = new ModuleScope(parts[i]);
                parent.register_module(parts[i], scope);
                _scopes[prefix] = scope;
            }
            parent = scope;
        }
        if (_scopes.ContainsKey(path))
            throw new RmpSnnException($"graph: node '{path}' has parameters but is also the prefix of other nodes' names");
        parent.register_module(parts[^1], module);
    }

    /// <summary>An empty module that groups the modules under one name prefix.</summary>
    sealed class ModuleScope(string name) : nn.Module(name);
}
