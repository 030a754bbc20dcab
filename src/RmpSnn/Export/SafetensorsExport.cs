using System.Globalization;
using System.Text.Json;
using RmpSnn.Graph;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Export;

/// <summary>
/// Writes a converted SNN as <c>.safetensors</c> for PyTorch users: <c>{node}.weight</c> and <c>{node}.bias</c> of every
/// conv/linear layer (the first conv's folded input normalisation as <c>{node}.bias_map</c> [1, C, H, W]),
/// <c>{node}.threshold</c> of every IF layer (α applied), and in <c>__metadata__</c> the reset mode and potentials and
/// <c>graph</c>: the nodes in topological order as JSON (<c>name</c>, <c>op</c>, <c>inputs</c>, <c>attributes</c>), IF
/// layers as op <c>IF</c>. Spikes in RmpSnn carry their layer's V_th, and these weights expect that (docs/INTEROP.md). A
/// calibrated model adds <c>{node}.current_shift</c> (added to the IF layer's input every step) and
/// <c>{node}.potential_shift</c> (added to V(0)), per channel.
/// </summary>
public static class SafetensorsExport
{
    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>
    /// Writes <paramref name="converted"/> with <paramref name="thresholds"/> and <paramref name="neurons"/> to
    /// <paramref name="path"/>; returns the number of tensors.
    /// </summary>
    public static int Write(string path, NetworkGraph converted, IReadOnlyDictionary<string, float> thresholds, NeuronOptions neurons,
        IReadOnlyDictionary<string, string>? metadata = null, IReadOnlyDictionary<string, LayerCorrection>? corrections = null)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        var nodes = new List<NodeDescription>();
        foreach (var node in converted.Nodes)
        {
            string[] inputs = [.. converted.InputsOf(node).Select(i => i.Name)];
            switch (node)
            {
                case Conv2dNode conv:
                    tensors.Add(new($"{conv.Name}.weight", conv.Weight));
                    if (conv.BiasMap is { } map) tensors.Add(new($"{conv.Name}.bias_map", map));
                    else if (conv.Bias is { } bias) tensors.Add(new($"{conv.Name}.bias", bias));
                    break;
                case LinearNode linear:
                    tensors.Add(new($"{linear.Name}.weight", linear.Weight));
                    if (linear.Bias is { } b) tensors.Add(new($"{linear.Name}.bias", b));
                    break;
                case IntegrateFireNode neuron:
                    tensors.Add(new($"{neuron.Name}.threshold", tensor(new[] { thresholds[neuron.Name] })));
                    if (corrections?.GetValueOrDefault(neuron.Name) is { } correction)
                    {
                        tensors.Add(new($"{neuron.Name}.current_shift", tensor(correction.CurrentShift)));
                        tensors.Add(new($"{neuron.Name}.potential_shift", tensor(correction.PotentialShift)));
                    }
                    nodes.Add(new NodeDescription(neuron.Name, "IF", inputs));
                    continue;
                case MaxPoolGateNode gate:
                    nodes.Add(NodeCodec.Describe(gate.Pool, inputs) with { Op = "MaxPoolGate" });
                    continue;
            }
            nodes.Add(NodeCodec.Describe(node, inputs));
        }
        var header = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            ["format"] = "rmpsnn-snn/1",
            ["reset"] = neurons.Reset.ToString().ToLowerInvariant(),
            ["reset_potential"] = neurons.ResetPotential.ToString(CultureInfo.InvariantCulture),
            ["initial_potential"] = neurons.InitialPotential.ToString(CultureInfo.InvariantCulture),
            ["neuron"] = neurons.Kind,
            ["spike_amplitude"] = "threshold",
            ["graph"] = JsonSerializer.Serialize(nodes, Json),
        };
        SafetensorsFile.Write(path, tensors, header);
        return tensors.Count;
    }
}
