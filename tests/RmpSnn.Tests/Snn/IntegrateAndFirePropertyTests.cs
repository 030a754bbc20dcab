using CsCheck;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Snn;

/// <summary>
/// Property tests of the IF rule and of the signed neuron: on random current sequences, the layer (device loop and fused
/// kernel) and the tensor reference follow the scalar definition bit for bit; soft reset conserves charge where hard reset
/// drops it, and the signed neuron conserves it too and never ends up above its input's positive part.
/// </summary>
public class IntegrateAndFirePropertyTests
{
    const float Threshold = 0.8f;

    /// <summary>Steps × neurons currents in [−0.5, 1.5]·V_th, a reset mode and a reset potential.</summary>
    static readonly Gen<(float[] Currents, int Neurons, ResetMode Reset, float ResetTo)> Cases =
        from neurons in Gen.Int[1, 37]
        from steps in Gen.Int[1, 24]
        from currents in Gen.Float[-0.5f * Threshold, 1.5f * Threshold].Array[neurons * steps]
        from reset in Gen.Enum<ResetMode>()
        from resetTo in Gen.Bool.Select(b => b ? 0.25f * Threshold : 0f)
        select (currents, neurons, reset, resetTo);

    static (float[] Spikes, float[] Potential) Scalar(float[] currents, int neurons, ResetMode reset, float resetTo)
    {
        var v = new float[neurons];
        var spikes = new float[currents.Length];
        for (int i = 0; i < currents.Length; i++)
            spikes[i] = IntegrateAndFire.Step(ref v[i % neurons], currents[i], Threshold, reset, resetTo) ? 1 : 0;
        return (spikes, v);
    }

    static (float[] Spikes, float[] Potential, float[] Net) SignedScalar(float[] currents, int neurons, ResetMode reset, float resetTo)
    {
        var (v, net, spikes) = (new float[neurons], new float[neurons], new float[currents.Length]);
        for (int i = 0; i < currents.Length; i++)
            spikes[i] = IntegrateAndFire.SignedStep(ref v[i % neurons], ref net[i % neurons], currents[i], Threshold, reset, resetTo);
        return (spikes, v, net);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LayerAndTensorReferenceFollowTheScalarRuleExactly(bool signed)
    {
        Cases.Sample(c =>
        {
            float[] spikes, potential;
            float[]? counts = null;   // net spike counts, for signed neurons
            if (signed) (spikes, potential, counts) = SignedScalar(c.Currents, c.Neurons, c.Reset, c.ResetTo);
            else (spikes, potential) = Scalar(c.Currents, c.Neurons, c.Reset, c.ResetTo);
            int steps = c.Currents.Length / c.Neurons;
            using var currents = tensor(c.Currents).view(steps, 1, c.Neurons);

            using var membrane = zeros(1, c.Neurons);
            using var net = zeros(1, c.Neurons);
            var reference = new List<float>();
            for (int t = 0; t < steps; t++)
                using (var step = currents[t])
                using (var fired = signed ? IntegrateAndFire.SignedStep(membrane, net, step, Threshold, c.Reset, c.ResetTo)
                           : IntegrateAndFire.Step(membrane, step, Threshold, c.Reset, c.ResetTo))
                    reference.AddRange(fired.data<float>().ToArray());
            if (!reference.SequenceEqual(spikes) || !membrane.data<float>().ToArray().SequenceEqual(potential)
                || (counts is not null && !net.data<float>().ToArray().SequenceEqual(counts))) return false;

            var options = new NeuronOptions(c.Reset, ResetPotential: c.ResetTo / Threshold, Signed: signed);
            foreach (var engine in new[] { SimulationEngine.Reference, SimulationEngine.Dense })
            {
                using var layer = new IfLayer("n", options, engine) { Threshold = Threshold };
                using var flat = currents.view(steps, c.Neurons);
                using var output = layer.Forward(flat, null, new StepContext(steps, 1, 0));
                if (!output.data<float>().ToArray().SequenceEqual(spikes.Select(x => x * Threshold))) return false;
                if (!layer.MembranePotential!.data<float>().ToArray().SequenceEqual(potential)) return false;
                if (counts is not null && !layer.NetSpikes!.data<float>().ToArray().SequenceEqual(counts)) return false;
            }
            return true;
        }, iter: 200, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void SoftResetConservesChargeAndHardResetNeverKeepsMore()
    {
        Cases.Where(c => c.ResetTo == 0).Sample(c =>
        {
            var (spikes, v) = Scalar(c.Currents, c.Neurons, ResetMode.Soft, 0);
            var (hardSpikes, hardV) = Scalar(c.Currents, c.Neurons, ResetMode.Hard, 0);
            for (int n = 0; n < c.Neurons; n++)
            {
                double charge = 0, fired = 0, hardFired = 0;
                for (int i = n; i < c.Currents.Length; i += c.Neurons)
                    (charge, fired, hardFired) = (charge + c.Currents[i], fired + spikes[i], hardFired + hardSpikes[i]);
                if (Math.Abs(fired * Threshold + v[n] - charge) > 1e-4 * (1 + Math.Abs(charge))) return false;   // Σ I = spikes·V_th + V_T
                if (c.Currents.Where((_, i) => i % c.Neurons == n).All(i => i >= 0) && hardFired > fired) return false;
            }
            return true;
        }, iter: 300, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void SignedSoftResetConservesChargeAndNeverOutputsMoreThanTheInputsPositivePart()
    {
        // currents ≥ −V_th: one negative spike per step can always take back a step's over-firing
        Cases.Where(c => c.ResetTo == 0).Sample(c =>
        {
            var (spikes, v, net) = SignedScalar(c.Currents, c.Neurons, ResetMode.Soft, 0);
            for (int n = 0; n < c.Neurons; n++)
            {
                double charge = 0, fired = 0;
                for (int i = n; i < c.Currents.Length; i += c.Neurons)
                {
                    (charge, fired) = (charge + c.Currents[i], fired + spikes[i]);
                    if (fired < 0) return false;   // the net count never goes negative
                    if (fired * Threshold > Math.Max(0, charge) + 1e-4 * (1 + Math.Abs(charge))) return false;
                }
                if (fired != net[n] || Math.Abs(fired * Threshold + v[n] - charge) > 1e-4 * (1 + Math.Abs(charge))) return false;
            }
            return true;
        }, iter: 300, seed: "0N0XIzNsQ0O2");
    }
}
