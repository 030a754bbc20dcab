using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>
/// A network as a directed acyclic graph of named <see cref="GraphNode"/>s with one <see cref="Input"/> and one
/// <see cref="Output"/>. <see cref="Nodes"/> is a topological order (ties keep the order the nodes were added in), and
/// <see cref="Evaluate{T}"/> is the one walk over it that the ANN, the activation probe, the threshold balancer and the
/// spiking network all use. Build one with <see cref="GraphBuilder"/>.
/// </summary>
public sealed class NetworkGraph
{
    readonly Dictionary<string, int> _index;
    readonly int[][] _inputs;

    internal NetworkGraph(IReadOnlyList<GraphNode> nodes, IReadOnlyList<int[]> inputs, int output)
    {
        Nodes = nodes;
        _inputs = [.. inputs];
        _index = nodes.Select((n, i) => (n.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        Input = (InputNode)nodes[0];
        Output = nodes[output];
    }

    /// <summary>Every node in topological order; the first is the <see cref="Input"/>.</summary>
    public IReadOnlyList<GraphNode> Nodes { get; }
    /// <summary>The network input.</summary>
    public InputNode Input { get; }
    /// <summary>The node whose value is the network output.</summary>
    public GraphNode Output { get; }

    /// <summary>The node named <paramref name="name"/>.</summary>
    public GraphNode this[string name] => Nodes[IndexOf(name)];

    /// <summary>Whether a node of that name exists.</summary>
    public bool Contains(string name) => _index.ContainsKey(name);

    /// <summary>Position of the node in <see cref="Nodes"/>.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out int i) ? i : throw new KeyNotFoundException($"no node named '{name}'");

    /// <summary>The nodes feeding <paramref name="node"/>, in operand order.</summary>
    public IReadOnlyList<GraphNode> InputsOf(GraphNode node) => Array.ConvertAll(_inputs[IndexOf(node.Name)], i => Nodes[i]);

    /// <summary>Operand positions (indices into <see cref="Nodes"/>) of the node at <paramref name="index"/>.</summary>
    public IReadOnlyList<int> InputIndices(int index) => _inputs[index];

    /// <summary>The nodes that read <paramref name="node"/>'s value, in topological order.</summary>
    public IReadOnlyList<GraphNode> ConsumersOf(GraphNode node)
    {
        int i = IndexOf(node.Name);
        return Nodes.Where((_, j) => _inputs[j].Contains(i)).ToArray();
    }

    /// <summary>Node indices that <paramref name="target"/> depends on (itself included), in topological order.</summary>
    public IReadOnlyList<int> AncestorsOf(GraphNode target)
    {
        var needed = new bool[Nodes.Count];
        needed[IndexOf(target.Name)] = true;
        for (int i = Nodes.Count - 1; i >= 0; i--)
            if (needed[i]) foreach (int j in _inputs[i]) needed[j] = true;
        return Enumerable.Range(0, Nodes.Count).Where(i => needed[i]).ToArray();
    }

    /// <summary>
    /// Walks the graph in topological order: the input takes <paramref name="input"/>, every other node
    /// <paramref name="evaluate"/>(node index, operand values). A value is handed to <paramref name="release"/> right after
    /// its last reader ran, unless it is the input or the same object as a value still held (an alias).
    /// With <paramref name="only"/> (ascending node indices) just those nodes run, and the last of them gives the result;
    /// nodes in <paramref name="given"/> take those values instead of running.
    /// </summary>
    public T Evaluate<T>(T input, Func<int, IReadOnlyList<T>, T> evaluate, Action<T>? release = null, IReadOnlyList<int>? only = null,
        IReadOnlyDictionary<int, T>? given = null)
        where T : class
    {
        var order = only ?? Enumerable.Range(0, Nodes.Count).ToArray();
        int last = order[^1];
        var lastUse = new int[Nodes.Count];
        foreach (int i in order)
            foreach (int j in _inputs[i]) lastUse[j] = i;
        lastUse[last] = int.MaxValue;
        var values = new T?[Nodes.Count];
        values[0] = input;
        if (given is not null) foreach (var (i, value) in given) values[i] = value;
        foreach (int i in order)
        {
            if (i == 0 || given?.ContainsKey(i) == true) continue;
            var operands = Array.ConvertAll(_inputs[i],
                j => values[j] ?? throw new InvalidOperationException($"{Nodes[j]} has no value before {Nodes[i]}"));
            values[i] = evaluate(i, operands);
            var dying = _inputs[i].Distinct().Where(j => lastUse[j] == i).ToArray();
            foreach (int j in dying) values[j] = null;
            if (release is null) continue;
            foreach (var value in dying.Select(j => operands[Array.IndexOf(_inputs[i], j)]).Distinct(ReferenceEqualityComparer.Instance).Cast<T>())
                if (!ReferenceEquals(value, input) && !values.Any(v => ReferenceEquals(v, value))) release(value);
        }
        return values[last]!;
    }

    /// <summary>
    /// Each node's output shape per sample (without the batch), from one pass as an ANN on a zero image on
    /// <paramref name="device"/>.
    /// </summary>
    public long[][] SampleShapes(Device device)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var shapes = new long[Nodes.Count][];
        var x = zeros(1, Input.Channels, Input.Height, Input.Width, device: device);
        shapes[0] = x.shape[1..];
        Evaluate(x, (i, operands) =>
        {
            var value = Nodes[i].Forward(operands);
            shapes[i] = value.shape[1..];
            return value;
        });
        return shapes;
    }

    /// <summary>A builder holding this graph's nodes and edges, for passes that rewrite it.</summary>
    public GraphBuilder ToBuilder()
    {
        var builder = new GraphBuilder();
        foreach (var (node, i) in Nodes.Select((n, i) => (n, i)))
            builder.Add(node, Array.ConvertAll(_inputs[i], j => Nodes[j].Name));
        return builder.SetOutput(Output.Name);
    }
}
