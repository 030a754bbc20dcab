using PureHDF;
using RmpSnn.Graph;
using RmpSnn.Snn;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Export;

/// <summary>
/// The one table from converted-graph nodes to NIR nodes (<see cref="NirExport"/>): Input → Input; Conv2d → Conv2d;
/// Linear → Affine (Linear without bias); IF → IF (hard reset) or I + Threshold + Scale feedback (soft reset); AvgPool and
/// GlobalAvgPool → AvgPool2d; Flatten → Flatten; Scale → Scale; Add → nothing (NIR sums the edges into a node); an
/// option-A Slice + Pad → a selecting 1×1 Conv2d; the output → Output. Each node's value is kept as the NIR nodes whose
/// sum it is, each with the factor (a spike amplitude) still to apply.
/// </summary>
internal sealed class NirNodes
{
    /// <summary>Operations that have a NIR form, for messages.</summary>
    public const string Supported = "Conv2d, Linear, IF (hard and soft reset), AvgPool, GlobalAvgPool, Flatten, Add, Scale and option-A shortcuts " +
        "(Slice + Pad); convert max-pooling with --maxpool avg";

    readonly Dictionary<string, List<(string Source, float Amplitude)>> _value = [];
    readonly Dictionary<string, long[]> _shape = [];   // NIR node → its output shape (no batch)
    readonly NetworkGraph _graph;
    readonly long[][] _shapes;                          // converted node index → output shape (no batch)

    NirNodes(NetworkGraph graph)
    {
        _graph = graph;
        _shapes = graph.SampleShapes(CPU);
    }

    /// <summary>The NIR nodes (name, group) in topological order.</summary>
    public List<(string Name, H5Group Group)> Nodes { get; } = [];
    /// <summary>The NIR edges.</summary>
    public List<(string From, string To)> Edges { get; } = [];
    /// <summary>Approximations made, one line each.</summary>
    public List<string> Notes { get; } = [];

    public static NirNodes Build(NetworkGraph graph, IReadOnlyDictionary<string, float> thresholds, NeuronOptions neurons)
    {
        var nir = new NirNodes(graph);
        using var noGrad = no_grad();
        if (neurons.InitialPotential != 0)
            nir.Notes.Add($"NIR has no initial membrane potential: V(0) = {neurons.InitialPotential}·V_th is not in the file " +
                "(simulators start at 0)");
        if (neurons.Signed)
            nir.Notes.Add("NIR has no signed neuron: the file holds plain IF neurons, which fire more than the signed neurons " +
                "this model was calibrated for");
        if (neurons.Bursts)
            nir.Notes.Add($"NIR has no burst neuron: the file holds plain IF neurons, which pass at most V_th per step where the " +
                $"burst-{neurons.MaxBurst} neurons this model was calibrated for pass {neurons.MaxBurst}·V_th");
        for (int i = 0; i < graph.Nodes.Count; i++) nir.Map(i, thresholds, neurons);
        nir.Add("output", Group("Output", ("shape", nir.Shape(graph.Nodes.Count - 1))), nir.Shape(graph.Nodes.Count - 1));
        nir.Connect(nir._value[graph.Output.Name], "output");
        return nir;
    }

    void Map(int index, IReadOnlyDictionary<string, float> thresholds, NeuronOptions neurons)
    {
        var node = _graph.Nodes[index];
        var operands = _graph.InputIndices(index);
        List<(string, float)> In(int k = 0) => _value[_graph.Nodes[operands[k]].Name];
        long[] inShape = operands.Count > 0 ? _shapes[operands[0]] : [];
        string name = node.Name;
        switch (node)
        {
            case InputNode:
                Add(name, Group("Input", ("shape", Shape(index))), Shape(index));
                _value[name] = [(name, 1f)];
                break;
            case Conv2dNode conv:
                Weighted(name, In(), amplitude => Group("Conv2d", ("weight", Floats(conv.Weight, amplitude)), ("bias", ConvBias(conv)),
                    ("stride", conv.Stride), ("padding", conv.Padding), ("dilation", conv.Dilation), ("groups", conv.Groups),
                    ("input_shape", new[] { inShape[1], inShape[2] })), index);
                break;
            case LinearNode linear:
                Weighted(name, In(), amplitude => linear.Bias is { } bias
                    ? Group("Affine", ("weight", Floats(linear.Weight, amplitude)), ("bias", Floats(bias)))
                    : Group("Linear", ("weight", Floats(linear.Weight, amplitude))), index);
                break;
            case AvgPoolNode pool:
                if (pool.CeilMode || (!pool.CountIncludePad && pool.Padding.Any(p => p > 0)))
                    throw NoForm(node, "average pooling with ceil mode or uncounted padding");
                PassThrough(name, In(), Group("AvgPool2d", ("kernel_size", pool.Kernel), ("stride", pool.Stride), ("padding", pool.Padding)), index);
                break;
            case GlobalAvgPoolNode:
                long[] window = [inShape[1], inShape[2]];
                PassThrough(name, In(), Group("AvgPool2d", ("kernel_size", window), ("stride", window), ("padding", new long[] { 0, 0 })), index);
                break;
            case FlattenNode:
                PassThrough(name, In(), Group("Flatten", ("start_dim", 0L), ("end_dim", -1L), ("input_type", inShape)), index);
                break;
            case ScaleNode scale:
                PassThrough(name, In(), Group("Scale", ("scale", Filled(Shape(index), (float)scale.Factor))), index);
                break;
            case AddNode:
                _value[name] = [.. In(0), .. In(1)];
                break;
            case IntegrateFireNode neuron:
                Neuron(name, [.. operands.SelectMany((_, k) => In(k))], thresholds[name], neurons, Shape(index));
                break;
            case SliceNode when OptionA(index) is not null:
                _value[name] = In();   // written with the Pad that reads it
                break;
            case PadNode pad when OptionA(operands[0]) is { } step:
                ShortcutConv(name, In(), pad, step, _shapes[_graph.InputIndices(operands[0])[0]], index);
                break;
            default:
                throw NoForm(node, "no NIR form");
        }
    }

    /// <summary>A Conv2d or Linear: one operand's spike amplitude is folded into the weights; several are scaled on their edges.</summary>
    void Weighted(string name, List<(string Source, float Amplitude)> input, Func<float, H5Group> create, int index)
    {
        bool fold = input.Count == 1;
        Add(name, create(fold ? input[0].Amplitude : 1f), Shape(index));
        if (fold) Edges.Add((input[0].Source, name));
        else Connect(input, name);
        _value[name] = [(name, 1f)];
    }

    /// <summary>A linear node without weights: one operand's amplitude passes through it unchanged.</summary>
    void PassThrough(string name, List<(string Source, float Amplitude)> input, H5Group group, int index)
    {
        Add(name, group, Shape(index));
        if (input.Count == 1)
        {
            Edges.Add((input[0].Source, name));
            _value[name] = [(name, input[0].Amplitude)];
        }
        else
        {
            Connect(input, name);
            _value[name] = [(name, 1f)];
        }
    }

    void Neuron(string name, List<(string Source, float Amplitude)> input, float threshold, NeuronOptions neurons, long[] shape)
    {
        var ones = Filled(shape, 1f);
        var vth = Filled(shape, MathF.BitDecrement(threshold));   // v > nextDown(V_th) ⟺ v ≥ V_th
        if (neurons.Reset == ResetMode.Hard)
        {
            Add(name, Group("IF", ("r", ones), ("v_threshold", vth), ("v_reset", Filled(shape, neurons.ResetPotential * threshold))), shape);
            Connect(input, name);
            _value[name] = [(name, threshold)];
            return;
        }
        string fire = name + ".threshold", reset = name + ".reset";
        Add(name, Group("I", ("r", ones)), shape);
        Add(fire, Group("Threshold", ("threshold", vth)), shape);
        Add(reset, Group("Scale", ("scale", Filled(shape, -threshold))), shape);
        Connect(input, name);
        Edges.AddRange([(name, fire), (fire, reset), (reset, name)]);
        _value[name] = [(fire, threshold)];
    }

    /// <summary>Edges from every source into <paramref name="target"/>, through a Scale node where the amplitude is not 1.</summary>
    void Connect(List<(string Source, float Amplitude)> input, string target)
    {
        for (int k = 0; k < input.Count; k++)
        {
            var (source, amplitude) = input[k];
            if (amplitude == 1f)
            {
                Edges.Add((source, target));
                continue;
            }
            string scale = $"{target}.in{k}";
            Add(scale, Group("Scale", ("scale", Filled(_shape[source], amplitude))), _shape[source]);
            Edges.AddRange([(source, scale), (scale, target)]);
        }
    }

    /// <summary>
    /// The step of an option-A subsampling at <paramref name="index"/> (a Slice of both spatial axes from 0 read only by a
    /// Pad), or null.
    /// </summary>
    long? OptionA(int index)
    {
        if (_graph.Nodes[index] is not SliceNode slice || slice.Axes.Order().SequenceEqual([2L, 3L]) is false
            || slice.Starts.Any(s => s != 0) || slice.Steps.Distinct().Count() != 1)
            return null;
        long s = slice.Steps[0];
        long[] source = _shapes[_graph.InputIndices(index)[0]];
        for (int i = 0; i < 2; i++)   // every row and column from 0 to the end in steps of s (an end past the last pick changes nothing)
        {
            long size = source[slice.Axes[i] - 1], end = Math.Min(slice.Ends[i] ?? size, size);
            if ((end + s - 1) / s != (size + s - 1) / s) return null;
        }
        var readers = _graph.ConsumersOf(slice);
        return readers.Count == 1 && readers[0] is PadNode { Pads: [0, 0, 0, 0, _, _] } ? s : null;
    }

    /// <summary>Slice(::step) + zero channels as the 1×1 stride-step Conv2d whose weights pick the same values.</summary>
    void ShortcutConv(string name, List<(string Source, float Amplitude)> input, PadNode pad, long step, long[] source, int index)
    {
        if (input.Count != 1) throw NoForm(pad, "an option-A shortcut of a sum");
        long inC = source[0], before = pad.Pads[4], outC = inC + before + pad.Pads[5];
        var weight = new float[outC * inC];
        for (long c = 0; c < inC; c++) weight[(before + c) * inC + c] = input[0].Amplitude;
        Add(name, Group("Conv2d", ("weight", new H5Dataset(weight, fileDims: [(ulong)outC, (ulong)inC, 1, 1])), ("bias", new float[outC]),
            ("stride", new[] { step, step }), ("padding", new long[] { 0, 0 }), ("dilation", new long[] { 1, 1 }), ("groups", 1L),
            ("input_shape", new[] { source[1], source[2] })), Shape(index));
        Edges.Add((input[0].Source, name));
        _value[name] = [(name, 1f)];
    }

    /// <summary>A per-channel bias for NIR: the conv's own, or the folded normalisation's current map where it is constant per channel.</summary>
    H5Dataset ConvBias(Conv2dNode conv)
    {
        if (conv.BiasMap is not { } map) return conv.Bias is { } bias ? Floats(bias) : new H5Dataset(new float[conv.Weight.shape[0]]);
        using var centre = map[0, .., map.shape[2] / 2, map.shape[3] / 2].contiguous();
        using var scope = NewDisposeScope();   // holds the temporaries until their values are read
        float spread = (map - centre.view(1, -1, 1, 1)).abs().max().item<float>(), largest = centre.abs().max().item<float>();
        if (spread > 1e-6f * Math.Max(1f, largest))
            Notes.Add($"{conv.Name}: NIR's per-channel bias cannot hold the folded input normalisation at the zero-padded border; " +
                "the file uses the interior value (exact for --encoding direct, which writes the unfolded layer for normalised input)");
        return Floats(centre);
    }

    void Add(string name, H5Group group, long[] shape)
    {
        Nodes.Add((name, group));
        _shape[name] = shape;
    }

    long[] Shape(int index) => _shapes[index];

    static H5Group Group(string type, params (string Key, object Value)[] fields)
    {
        var group = new H5Group { ["type"] = type };
        foreach (var (key, value) in fields) group[key] = value;
        return group;
    }

    static H5Dataset Floats(Tensor t, float scale = 1f)
    {
        using var cpu = t.detach().to(ScalarType.Float32, CPU).mul(scale).contiguous();
        return new H5Dataset(cpu.data<float>().ToArray(), fileDims: [.. cpu.shape.Select(d => (ulong)d)]);
    }

    static H5Dataset Filled(long[] shape, float value)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        return new H5Dataset(Enumerable.Repeat(value, (int)n).ToArray(), fileDims: [.. shape.Select(d => (ulong)d)]);
    }

    static RmpSnnException NoForm(GraphNode node, string what) =>
        new($"{node}: {what}; NIR export takes {Supported}");
}
