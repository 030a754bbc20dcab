using RmpSnn.Graph;
using RmpSnn.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// A converted graph compiled into typed stages for one engine and device (<see cref="Compile"/>): one stage per node,
/// run by the graph's walk on time-major chunks <c>[K·B, …]</c>. The output node's value each step is the readout: the
/// output layer's input current (potential readout, integrated by the simulator) or its spikes. Input frames are raw
/// intensities or spikes in [0, 1]; the ANN's input normalisation is folded into the first layer. Networks for other
/// reset modes or thresholds (<see cref="WithNeurons"/>) share the weighted and stateless stages of the compiled one.
/// </summary>
public sealed class SpikingNetwork : IDisposable
{
    readonly ISpikingStage?[] _stages;
    readonly int[] _frontier, _constantOrder, _variableOrder;   // variable nodes after the input (0), as the walk's `only` wants
    readonly bool _ownsShared, _channelsLast;
    readonly Dictionary<int, Tensor> _constantValues = [];
    readonly Dictionary<int, double> _constantSops = [];

    SpikingNetwork(ModelSpec spec, NetworkGraph graph, ReadoutMode readout, SimulationEngine engine, ISpikingStage?[] stages, bool ownsShared)
    {
        Spec = spec;
        Graph = graph;
        Readout = readout;
        Engine = engine;
        _stages = stages;
        _ownsShared = ownsShared;
        _channelsLast = engine == SimulationEngine.Event;
        Neurons = stages.OfType<IfLayer>().ToArray();
        WeightedLayers = stages.OfType<SynapticStage>().ToArray();

        // Stateless stages that depend on the input alone see the same value every step under direct input.
        int n = graph.Nodes.Count;
        var constant = new bool[n];
        constant[0] = true;
        for (int i = 1; i < n; i++)
            constant[i] = stages[i] is SynapticStage or StatelessStage && graph.InputIndices(i).All(j => constant[j]);
        var read = new bool[n];
        for (int i = 0; i < n; i++)
            if (!constant[i]) foreach (int j in graph.InputIndices(i)) read[j] = true;
        read[graph.IndexOf(graph.Output.Name)] = true;
        _frontier = Enumerable.Range(0, n).Where(i => constant[i] && read[i]).ToArray();
        _constantOrder = Enumerable.Range(0, n).Where(i => constant[i]).ToArray();
        _variableOrder = Enumerable.Range(0, n).Where(i => i == 0 || !constant[i]).ToArray();
    }

    /// <summary>
    /// Builds the stages of <paramref name="converted"/> for <paramref name="engine"/> on <paramref name="device"/>, with
    /// <paramref name="neurons"/> dynamics and unset thresholds. Every node gets its kernel here, or the call fails naming it.
    /// </summary>
    /// <exception cref="RmpSnnException">The engine cannot run on the device or cannot run one of the nodes.</exception>
    public static SpikingNetwork Compile(NetworkGraph converted, ModelSpec spec, ReadoutMode readout, NeuronOptions neurons,
        SimulationEngine engine, Device device)
    {
        neurons.Validate();
        if (engine != SimulationEngine.Reference && device.type != DeviceType.CPU)
            throw new RmpSnnException(
                $"--engine {engine.ToString().ToLowerInvariant()}: its kernels run on the CPU; use --engine reference on {device}");
        var shapes = converted.SampleShapes(device);
        var stages = new ISpikingStage?[converted.Nodes.Count];
        try
        {
            for (int i = 1; i < stages.Length; i++)
            {
                var node = converted.Nodes[i];
                long[] shape = shapes[converted.InputIndices(i)[0]];
                stages[i] = node switch
                {
                    Conv2dNode conv => new SpikingConv2d(conv, engine, shape, device),
                    LinearNode linear => new SpikingLinear(linear, engine, shape, device),
                    IntegrateFireNode => new IfLayer(node.Name, neurons, engine)
                    {
                        NeuronsPerSample = shape.Aggregate(1L, (a, b) => a * b), Channels = shape[0],
                    },
                    MaxPoolGateNode gate => Gate(gate),
                    AvgPoolNode or GlobalAvgPoolNode or FlattenNode or ReshapeNode or AddNode or ConcatNode or PadNode or SliceNode or ScaleNode
                        => new StatelessStage(node),
                    _ => throw new RmpSnnException($"{node}: no spiking stage for this operation; convert the graph first (rmpsnn convert)"),
                };
            }
        }
        catch
        {
            foreach (var stage in stages) stage?.Dispose();
            throw;
        }
        return new SpikingNetwork(spec, converted, readout, engine, stages, ownsShared: true);
    }

    /// <summary>
    /// A network with other neuron dynamics and unset thresholds that shares this one's weighted and stateless stages
    /// (they hold no state); its IF layers and max-pool gates are its own. Dispose it before the compiled network.
    /// </summary>
    public SpikingNetwork WithNeurons(NeuronOptions neurons)
    {
        neurons.Validate();
        return WithOwnState(layer => new IfLayer(layer.Name, neurons, Engine) { NeuronsPerSample = layer.NeuronsPerSample, Channels = layer.Channels });
    }

    /// <summary>
    /// A copy that shares this network's weighted and stateless stages and has its own state: IF layers with the same
    /// dynamics, thresholds and corrections, and max-pool gates. A simulation runs one per worker thread, each on its
    /// part of the batch. Dispose it before this network.
    /// </summary>
    public SpikingNetwork Replica() => WithOwnState(layer => new IfLayer(layer.Name, layer.Options, Engine)
    {
        NeuronsPerSample = layer.NeuronsPerSample, Channels = layer.Channels, Threshold = layer.Threshold, Correction = layer.Correction,
    });

    SpikingNetwork WithOwnState(Func<IfLayer, IfLayer> neurons)
    {
        var stages = _stages.Select(stage => stage switch
        {
            IfLayer layer => neurons(layer),
            SpikingMaxPool => Gate((MaxPoolGateNode)Graph[stage.Name]),
            _ => stage,
        }).ToArray();
        return new SpikingNetwork(Spec, Graph, Readout, Engine, stages, ownsShared: false);
    }

    /// <summary>The ANN architecture this network was converted from.</summary>
    public ModelSpec Spec { get; }
    /// <summary>The converted graph the stages were compiled from.</summary>
    public NetworkGraph Graph { get; }
    /// <summary>How the output is read.</summary>
    public ReadoutMode Readout { get; }
    /// <summary>The engine every stage's kernel was chosen for.</summary>
    public SimulationEngine Engine { get; }
    /// <summary>Every IF layer in topological order (residual junctions after their main path; the spiking output layer last).</summary>
    public IReadOnlyList<IfLayer> Neurons { get; }
    /// <summary>Every conv/linear stage in topological order.</summary>
    public IReadOnlyList<SynapticStage> WeightedLayers { get; }
    /// <summary>The stage of the node named <paramref name="name"/>.</summary>
    public ISpikingStage this[string name] => _stages[Graph.IndexOf(name)] ?? throw new KeyNotFoundException($"{name} is the input");

    /// <summary>The threshold of every IF layer by name (null where not yet balanced).</summary>
    public IReadOnlyDictionary<string, float?> Thresholds => Neurons.ToDictionary(n => n.Name, n => n.Threshold);

    /// <summary>Sets every IF layer's threshold from a name → V_th map that must name exactly this network's IF layers.</summary>
    /// <exception cref="RmpSnnException">Names are missing or extra (both listed).</exception>
    public void SetThresholds(IReadOnlyDictionary<string, float> thresholds, string source = "thresholds")
    {
        var missing = Neurons.Select(n => n.Name).Where(name => !thresholds.ContainsKey(name)).ToArray();
        var extra = thresholds.Keys.Where(name => !Graph.Contains(name) || Graph[name] is not IntegrateFireNode).ToArray();
        if (missing.Length + extra.Length > 0)
            throw new RmpSnnException($"{source}: do not match the network's IF layers: {Listing("missing", missing)}" +
                $"{(missing.Length > 0 && extra.Length > 0 ? "; " : "")}{Listing("not in the network", extra)}");
        foreach (var n in Neurons) n.Threshold = thresholds[n.Name];
    }

    /// <summary>
    /// Sets the post-training corrections of the IF layers named in <paramref name="corrections"/> (null or missing: none);
    /// each must name an IF layer and hold one value per channel.
    /// </summary>
    /// <exception cref="RmpSnnException">A name or a channel count does not fit (named, with <paramref name="source"/>).</exception>
    public void SetCorrections(IReadOnlyDictionary<string, LayerCorrection>? corrections, string source = "corrections")
    {
        var byName = Neurons.ToDictionary(n => n.Name);
        foreach (var (name, correction) in corrections ?? new Dictionary<string, LayerCorrection>())
        {
            if (!byName.TryGetValue(name, out var layer))
                throw new RmpSnnException($"{source}: corrections for {name}, which is not an IF layer of the network");
            if (correction.CurrentShift.Length != layer.Channels || correction.PotentialShift.Length != layer.Channels)
                throw new RmpSnnException($"{source}: {name} has {layer.Channels} channels, its corrections " +
                    $"{correction.CurrentShift.Length} current and {correction.PotentialShift.Length} potential values");
        }
        foreach (var layer in Neurons) layer.Correction = corrections?.GetValueOrDefault(layer.Name);
    }

    /// <summary>Clears all thresholds (before balancing).</summary>
    public void ClearThresholds()
    {
        foreach (var n in Neurons) n.Threshold = null;
    }

    /// <summary>
    /// Runs one chunk of input frames <c>[K·B, C, H, W]</c> (or, when <see cref="StepContext.ConstantInput"/>, the
    /// frame <c>[B, C, H, W]</c> repeated every step); returns the readout <c>[K·B, classes]</c>.
    /// </summary>
    public Tensor Forward(Tensor frames, StepContext context)
    {
        frames = InEngineLayout(frames);
        if (!context.ConstantInput) return Graph.Evaluate(frames, (i, operands) => _stages[i]!.Forward(operands, context));

        if (_constantValues.Count == 0) CacheConstants(frames, context);
        if (context.Recorder is { } recorder)
            foreach (var (i, sops) in _constantSops) recorder.AddSynapticOps(_stages[i]!.Name, context.FirstStep, context.Steps, sops);
        var repeated = _constantValues.ToDictionary(p => p.Key, p => Repeat(p.Value, context.Steps, context.Batch));
        if (_variableOrder.Length == 1) return repeated[Graph.Nodes.Count - 1];   // no neuron at all: the output is constant
        return Graph.Evaluate(frames, (i, operands) => _stages[i]!.Forward(operands, context), only: _variableOrder, given: repeated);
    }

    /// <summary>
    /// Runs the stages <paramref name="target"/> depends on (already balanced) for one chunk and returns the current it
    /// receives: its operand, or the sum of both for a residual junction.
    /// </summary>
    public Tensor CurrentInto(IfLayer target, Tensor frames, StepContext context)
    {
        frames = InEngineLayout(frames);
        int t = Graph.IndexOf(target.Name);
        var operands = Graph.InputIndices(t);
        var captured = new Dictionary<int, Tensor> { [0] = frames };
        var needed = Graph.AncestorsOf(Graph.Nodes[t]).Where(i => i != t).ToArray();
        Graph.Evaluate(frames, (i, values) =>
        {
            var value = _stages[i]!.Forward(values, context);
            if (operands.Contains(i)) captured[i] = value;
            return value;
        }, only: needed);
        return operands.Count == 1 ? captured[operands[0]].alias() : captured[operands[0]].add(captured[operands[1]], HeldScalars.One);
    }

    /// <summary>Clears all membrane potentials and gate state (and the cached constant input currents).</summary>
    public void ResetState()
    {
        foreach (var value in _constantValues.Values) value.Dispose();
        _constantValues.Clear();
        _constantSops.Clear();
        foreach (var stage in _stages) stage?.ResetState();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        ResetState();
        foreach (var stage in _stages)
            if (stage is not null && (_ownsShared || stage is IfLayer or SpikingMaxPool)) stage.Dispose();
    }

    /// <summary>
    /// The event engine works in channels-last memory (EventConvolution writes it); starting there keeps every stage in
    /// one layout.
    /// </summary>
    Tensor InEngineLayout(Tensor frames) =>
        _channelsLast && frames.dim() == 4 ? frames.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : frames;

    /// <summary>Values of the constant nodes that variable ones read, computed on the first chunk and kept until <see cref="ResetState"/>.</summary>
    void CacheConstants(Tensor frame, StepContext context)
    {
        using var scope = NewDisposeScope();
        var single = new StepContext(1, context.Batch, context.FirstStep);
        if (_frontier.Contains(0)) _constantValues[0] = frame.alias().DetachFromDisposeScope();
        Graph.Evaluate(frame, (i, operands) =>
        {
            var stage = _stages[i]!;
            if (context.Recorder is not null && stage is SynapticStage synapses)
                _constantSops[i] = synapses.SynapticOpsPerStep(operands[0], context.Batch);
            var value = stage.Forward(operands, single);
            if (_frontier.Contains(i)) _constantValues[i] = value.alias().DetachFromDisposeScope();
            return value;
        }, only: _constantOrder);
    }

    static Tensor Repeat(Tensor value, int steps, int batch) =>
        value.unsqueeze(0).expand([steps, .. value.shape]).reshape([steps * batch, .. value.shape[1..]]);

    static SpikingMaxPool Gate(MaxPoolGateNode gate) =>
        new(gate.Name, gate.Pool.Kernel, gate.Pool.Stride, gate.Pool.Padding, gate.Pool.Dilation, gate.Pool.CeilMode);

    static string Listing(string what, string[] names) =>
        names.Length == 0 ? "" : $"{what} {names.Length} ({string.Join(", ", names.Take(3))}{(names.Length > 3 ? ", …" : "")})";
}
