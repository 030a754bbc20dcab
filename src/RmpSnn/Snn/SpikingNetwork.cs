using RmpSnn.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// A converted spiking network: stages run on time-major chunks <c>[K·B, …]</c>. The final stage's output each step is
/// the readout: the output layer's input current (potential readout, integrated by the simulator) or its spikes.
/// Input frames are raw intensities or spikes in [0, 1]; the ANN's input normalisation is folded into the first layer.
/// </summary>
public sealed class SpikingNetwork
{
    readonly int _constantPrefix;
    readonly ISpikingStage[] _afterConstantPrefix;
    Tensor? _constantCurrent;
    double[] _constantSops = [];

    /// <summary>Assembles a network and resolves neuron counts and fan-outs for inputs of <paramref name="spec"/>'s shape.</summary>
    public SpikingNetwork(ModelSpec spec, IReadOnlyList<ISpikingStage> stages, ReadoutMode readout, Device device)
    {
        Spec = spec;
        Stages = stages;
        Readout = readout;
        Neurons = Walk(stages).OfType<IfNeuron>().ToArray();
        WeightedLayers = Walk(stages).OfType<SynapticLayer>().Where(l => l.IsWeighted).ToArray();
        for (int i = 0; i < Neurons.Count; i++) Neurons[i].Index = i;
        for (int i = 0; i < WeightedLayers.Count; i++) WeightedLayers[i].Index = i;
        _constantPrefix = stages.TakeWhile(s => s is SynapticLayer).Count();
        _afterConstantPrefix = stages.Skip(_constantPrefix).ToArray();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        ResolveShapes(stages, zeros(1, spec.InChannels, spec.ImageSize, spec.ImageSize, device: device));
    }

    /// <summary>The ANN architecture this network was converted from.</summary>
    public ModelSpec Spec { get; }
    /// <summary>Top-level stages in execution order.</summary>
    public IReadOnlyList<ISpikingStage> Stages { get; }
    /// <summary>How the output is read.</summary>
    public ReadoutMode Readout { get; }
    /// <summary>Every IF layer in execution order (residual junctions after their main path; the spiking output layer last).</summary>
    public IReadOnlyList<IfNeuron> Neurons { get; }
    /// <summary>Every conv/linear layer in execution order.</summary>
    public IReadOnlyList<SynapticLayer> WeightedLayers { get; }

    /// <summary>Thresholds of <see cref="Neurons"/>, in order (null where not yet balanced).</summary>
    public float?[] Thresholds => Neurons.Select(n => n.Threshold).ToArray();

    /// <summary>Sets every neuron's threshold; the list must match <see cref="Neurons"/> one to one.</summary>
    public void SetThresholds(IReadOnlyList<float> thresholds)
    {
        if (thresholds.Count != Neurons.Count)
            throw new RmpSnnException($"thresholds: {thresholds.Count} values given but the network has {Neurons.Count} neuron layers");
        for (int i = 0; i < thresholds.Count; i++) Neurons[i].Threshold = thresholds[i];
    }

    /// <summary>Clears all thresholds (before balancing).</summary>
    public void ClearThresholds()
    {
        foreach (var n in Neurons) n.Threshold = null;
    }

    /// <summary>Sets reset mode and initial/reset potentials of every neuron layer.</summary>
    public void SetNeuronOptions(NeuronOptions options)
    {
        foreach (var n in Neurons) n.Options = options;
    }

    /// <summary>
    /// Runs one chunk of input frames <c>[K·B, C, H, W]</c> (or, when <see cref="StepContext.ConstantInput"/>, the
    /// frame <c>[B, C, H, W]</c> repeated every step); returns the readout <c>[K·B, classes]</c>.
    /// </summary>
    public Tensor Forward(Tensor frames, StepContext context)
    {
        // the event engine works in channels-last memory (EventConvolution writes it); starting there keeps every stage in one layout
        if (context.Engine == SimulationEngine.Event && frames.dim() == 4 && frames.device_type == DeviceType.CPU)
            frames = frames.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        if (!context.ConstantInput) return Run(Stages, frames, context);
        var current = ConstantCurrent(frames, context);
        if (context.Recorder is { } recorder)
            for (int i = 0; i < _constantPrefix; i++)
                if (Stages[i] is SynapticLayer { IsWeighted: true } layer)
                    recorder.AddSynapticOps(layer.Index, context.FirstStep, context.Steps, _constantSops[i]);
        using var repeated = current.unsqueeze(0).expand([context.Steps, .. current.shape]).reshape([context.Steps * context.Batch, .. current.shape[1..]]);
        var steps = new StepContext(context.Steps, context.Batch, context.FirstStep, context.Recorder, engine: context.Engine);
        return Run(_afterConstantPrefix, repeated, steps);
    }

    /// <summary>Output of the stateless stages before the first neuron layer, computed on the first chunk and kept until <see cref="ResetState"/>.</summary>
    Tensor ConstantCurrent(Tensor frame, StepContext context)
    {
        if (_constantCurrent is not null) return _constantCurrent;
        using var scope = NewDisposeScope();
        var single = new StepContext(1, context.Batch, context.FirstStep);
        _constantSops = new double[_constantPrefix];
        var x = frame.alias();
        for (int i = 0; i < _constantPrefix; i++)
        {
            var layer = (SynapticLayer)Stages[i];
            if (context.Recorder is not null) _constantSops[i] = layer.SynapticOpsPerStep(x, context.Batch);
            x = layer.Forward(x, single);
        }
        _constantCurrent = x.DetachFromDisposeScope();
        return _constantCurrent;
    }

    /// <summary>Clears all membrane potentials (and the cached constant input current).</summary>
    public void ResetState()
    {
        _constantCurrent?.Dispose();
        _constantCurrent = null;
        foreach (var stage in Stages) stage.ResetState();
    }

    internal static Tensor Run(IReadOnlyList<ISpikingStage> stages, Tensor input, StepContext context)
    {
        var x = input;
        foreach (var stage in stages) x = stage.Forward(x, context);
        return x;
    }

    static IEnumerable<ISpikingStage> Walk(IEnumerable<ISpikingStage> stages)
    {
        foreach (var stage in stages)
        {
            if (stage is SpikingResidualBlock block)
            {
                foreach (var inner in Walk(block.Main).Concat(Walk(block.Shortcut))) yield return inner;
                yield return block.Junction;
            }
            else yield return stage;
        }
    }

    static Tensor ResolveShapes(IEnumerable<ISpikingStage> stages, Tensor x)
    {
        foreach (var stage in stages)
        {
            switch (stage)
            {
                case SynapticLayer layer:
                    layer.ResolveShape(x);
                    x = layer.Forward(x, new StepContext(1, 1, 0));
                    break;
                case IfNeuron neuron:
                    neuron.NeuronsPerSample = x.numel();
                    break;
                case SpikingMaxPool pool:
                    x = pool.Forward(x, new StepContext(1, 1, 0));
                    pool.ResetState();
                    break;
                case SpikingResidualBlock block:
                    ResolveShapes(block.Shortcut, x);
                    x = ResolveShapes(block.Main, x);
                    block.Junction.NeuronsPerSample = x.numel();
                    break;
            }
        }
        return x;
    }
}
