namespace RmpSnn.Graph;

/// <summary>
/// Collects nodes and their operand names, then checks and sorts them into a <see cref="NetworkGraph"/>: names unique,
/// every operand defined, the right number of operands, exactly one <see cref="InputNode"/>, no cycle, and every node on a
/// path to the output. Passes use <see cref="Replace"/>, <see cref="Bypass"/> and <see cref="SetInputs"/> to rewrite a graph.
/// </summary>
public sealed class GraphBuilder
{
    readonly List<GraphNode> _nodes = [];
    readonly Dictionary<string, string[]> _inputs = new(StringComparer.Ordinal);
    string? _output;

    /// <summary>Adds <paramref name="node"/> reading <paramref name="inputs"/> (node names); returns its name.</summary>
    public string Add(GraphNode node, params string[] inputs)
    {
        if (_inputs.ContainsKey(node.Name)) throw new RmpSnnException($"graph: two nodes are named '{node.Name}'");
        _nodes.Add(node);
        _inputs[node.Name] = inputs;
        return node.Name;
    }

    /// <summary>Marks the node whose value is the network output.</summary>
    public GraphBuilder SetOutput(string name)
    {
        _output = name;
        return this;
    }

    /// <summary>The current output node's name.</summary>
    public string Output => _output ?? throw new InvalidOperationException("graph: no output set");

    /// <summary>The nodes added so far, in insertion order.</summary>
    public IReadOnlyList<GraphNode> Nodes => _nodes;

    /// <summary>The node named <paramref name="name"/>.</summary>
    public GraphNode this[string name] => _nodes.Find(n => n.Name == name) ?? throw new KeyNotFoundException($"no node named '{name}'");

    /// <summary>Operand names of <paramref name="name"/>.</summary>
    public IReadOnlyList<string> InputsOf(string name) => _inputs[name];

    /// <summary>Nodes reading <paramref name="name"/> (the output mark is not a reader).</summary>
    public IReadOnlyList<string> ConsumersOf(string name) =>
        _nodes.Where(n => _inputs[n.Name].Contains(name)).Select(n => n.Name).ToArray();

    /// <summary>Puts <paramref name="replacement"/> where <paramref name="name"/> was (same position; its readers are renamed to it).</summary>
    public void Replace(string name, GraphNode replacement, params string[] inputs)
    {
        int at = _nodes.FindIndex(n => n.Name == name);
        if (at < 0) throw new KeyNotFoundException($"no node named '{name}'");
        if (replacement.Name != name && _inputs.ContainsKey(replacement.Name))
            throw new RmpSnnException($"graph: two nodes are named '{replacement.Name}'");
        _nodes[at] = replacement;
        _inputs.Remove(name);
        _inputs[replacement.Name] = inputs;
        if (replacement.Name != name) Rename(name, replacement.Name);
    }

    /// <summary>Removes a one-operand node, connecting its readers (and the output) to its operand.</summary>
    public void Bypass(string name)
    {
        var operands = _inputs[name];
        if (operands.Length != 1) throw new InvalidOperationException($"{this[name]}: only one-operand nodes can be bypassed");
        _nodes.RemoveAll(n => n.Name == name);
        _inputs.Remove(name);
        Rename(name, operands[0]);
    }

    /// <summary>Removes a node no other node reads.</summary>
    public void Remove(string name)
    {
        if (ConsumersOf(name).Count > 0 || _output == name) throw new InvalidOperationException($"{this[name]} is still read");
        _nodes.RemoveAll(n => n.Name == name);
        _inputs.Remove(name);
    }

    /// <summary>Changes the operands of <paramref name="name"/>.</summary>
    public void SetInputs(string name, params string[] inputs) => _inputs[name] = inputs;

    void Rename(string from, string to)
    {
        foreach (var key in _inputs.Keys.ToArray())
            _inputs[key] = Array.ConvertAll(_inputs[key], i => i == from ? to : i);
        if (_output == from) _output = to;
    }

    /// <summary>Checks and sorts the graph.</summary>
    /// <exception cref="RmpSnnException">One line naming the node that breaks a rule.</exception>
    public NetworkGraph Build()
    {
        var inputNodes = _nodes.OfType<InputNode>().ToArray();
        if (inputNodes.Length != 1) throw new RmpSnnException($"graph: expected exactly one input node, found {inputNodes.Length}");
        string output = Output;
        if (!_inputs.ContainsKey(output)) throw new RmpSnnException($"graph: the output '{output}' is not a node");
        foreach (var node in _nodes)
        {
            var operands = _inputs[node.Name];
            if (operands.FirstOrDefault(o => !_inputs.ContainsKey(o)) is { } unknown)
                throw new RmpSnnException($"graph: {node} reads '{unknown}', which is not a node");
            if (node is not InputNode && operands.Length != node.Arity && node.Arity >= 0)
                throw new RmpSnnException($"graph: {node} takes {node.Arity} operand(s) but is given {operands.Length}");
            if (node.Arity < 0 && operands.Length < 2)
                throw new RmpSnnException($"graph: {node} needs at least 2 operands, given {operands.Length}");
        }

        // Kahn's algorithm, always taking the earliest-added ready node: a graph added in execution order keeps that order.
        var remaining = _nodes.ToDictionary(n => n.Name, n => _inputs[n.Name].Distinct().Count(), StringComparer.Ordinal);
        var order = new List<GraphNode>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var ready = new SortedSet<int>(_nodes.Select((n, i) => (n, i)).Where(p => remaining[p.n.Name] == 0).Select(p => p.i));
        var position = _nodes.Select((n, i) => (n.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var readers = _nodes.ToDictionary(n => n.Name, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var node in _nodes) foreach (var o in _inputs[node.Name].Distinct()) readers[o].Add(node.Name);
        while (ready.Count > 0)
        {
            int i = ready.Min;
            ready.Remove(i);
            var node = _nodes[i];
            order.Add(node);
            placed.Add(node.Name);
            foreach (var reader in readers[node.Name])
                if (--remaining[reader] == 0) ready.Add(position[reader]);
        }
        if (order.Count != _nodes.Count)
            throw new RmpSnnException($"graph: a cycle runs through {_nodes.First(n => !placed.Contains(n.Name))}");
        if (order[0] is not InputNode) throw new RmpSnnException($"graph: {order[0]} has no operands but is not the input");

        var needed = new HashSet<string>(StringComparer.Ordinal) { output };
        for (int i = order.Count - 1; i >= 0; i--)
            if (needed.Contains(order[i].Name)) needed.UnionWith(_inputs[order[i].Name]);
        if (order.FirstOrDefault(n => !needed.Contains(n.Name)) is { } dead)
            throw new RmpSnnException($"graph: {dead} does not lead to the output '{output}'");

        var index = order.Select((n, i) => (n.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        return new NetworkGraph(order, order.Select(n => Array.ConvertAll(_inputs[n.Name], o => index[o])).ToArray(), index[output]);
    }
}
