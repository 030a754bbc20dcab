using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Evaluation;

/// <summary>
/// The neuron transfer curve f_out(I): the firing rate (spikes per step) of an <see cref="IfLayer"/> driven by a constant
/// input current I for T steps, measured by simulating the neuron (threshold V_th = 1, so rate × V_th is in input units).
/// </summary>
public static class TransferCurve
{
    /// <summary>Evenly spaced currents 0…<paramref name="max"/> (inclusive), <paramref name="points"/> of them.</summary>
    public static double[] Currents(double max = 1.25, int points = 251) =>
        Enumerable.Range(0, points).Select(i => max * i / (points - 1)).ToArray();

    /// <summary>Firing rate for each current in <paramref name="currents"/> after <paramref name="steps"/> steps.</summary>
    public static double[] Measure(ResetMode reset, int steps, IReadOnlyList<double> currents, Device? device = null)
    {
        device ??= CPU;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var neuron = new IfLayer("transfer", new NeuronOptions(reset), SimulationEngine.Reference) { Threshold = 1f };
        var input = tensor(currents.Select(c => (float)c).ToArray(), device: device).unsqueeze(0).expand(steps, currents.Count)
            .reshape(steps * currents.Count, 1);
        var spikes = neuron.Forward(input, null, new StepContext(steps, currents.Count, 0)).view(steps, currents.Count);
        var rates = spikes.sum(0, keepdim: false, type: ScalarType.Float64).div(steps).cpu();
        neuron.ResetState();
        return rates.data<double>().ToArray();
    }
}
