using CsCheck;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Snn;

/// <summary>
/// Property tests of the IF rule and of the signed and burst neurons: on random current sequences, the layer (device loop
/// and fused kernel) and the tensor reference follow the scalar definition bit for bit; soft reset conserves charge where
/// hard reset drops it, the signed neuron conserves it too and never ends up above its input's positive part, and the
/// burst neuron conserves it and passes up to Γ·V_th per step without a backlog.
/// </summary>
public class IntegrateAndFirePropertyTests
{
    const float Threshold = 0.8f;
    const int Burst = 3;   // Γ of the burst neurons under test

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

    static (float[] Spikes, float[] Potential) BurstScalar(float[] currents, int neurons, ResetMode reset, float resetTo)
    {
        var v = new float[neurons];
        var spikes = new float[currents.Length];
        for (int i = 0; i < currents.Length; i++)
            spikes[i] = IntegrateAndFire.BurstStep(ref v[i % neurons], currents[i], Threshold, Burst, reset, resetTo);
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
    [InlineData("if")]
    [InlineData("signed")]
    [InlineData("burst")]
    public void LayerAndTensorReferenceFollowTheScalarRuleExactly(string kind)
    {
        bool signed = kind == "signed", burst = kind == "burst";
        Cases.Sample(c =>
        {
            float[] spikes, potential;
            float[]? counts = null;   // net spike counts, for signed neurons
            if (burst) c.Currents = Array.ConvertAll(c.Currents, i => 2.5f * i);   // up to 3.75·V_th a step: bursts of every size
            if (signed) (spikes, potential, counts) = SignedScalar(c.Currents, c.Neurons, c.Reset, c.ResetTo);
            else if (burst) (spikes, potential) = BurstScalar(c.Currents, c.Neurons, c.Reset, c.ResetTo);
            else (spikes, potential) = Scalar(c.Currents, c.Neurons, c.Reset, c.ResetTo);
            int steps = c.Currents.Length / c.Neurons;
            using var currents = tensor(c.Currents).view(steps, 1, c.Neurons);

            using var membrane = zeros(1, c.Neurons);
            using var net = zeros(1, c.Neurons);
            var reference = new List<float>();
            for (int t = 0; t < steps; t++)
                using (var step = currents[t])
                using (var fired = signed ? IntegrateAndFire.SignedStep(membrane, net, step, Threshold, c.Reset, c.ResetTo)
                           : burst ? IntegrateAndFire.BurstStep(membrane, step, Threshold, Burst, c.Reset, c.ResetTo)
                           : IntegrateAndFire.Step(membrane, step, Threshold, c.Reset, c.ResetTo))
                    reference.AddRange(fired.data<float>().ToArray());
            if (!reference.SequenceEqual(spikes) || !membrane.data<float>().ToArray().SequenceEqual(potential)
                || (counts is not null && !net.data<float>().ToArray().SequenceEqual(counts))) return false;

            var options = new NeuronOptions(c.Reset, ResetPotential: c.ResetTo / Threshold, Signed: signed, MaxBurst: burst ? Burst : 1);
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

    [Fact]
    public void BurstSoftResetConservesChargeAndKeepsNoBacklogBelowGammaThresholds()
    {
        // Σ I = Σ k·V_th + V_T; with currents in [0, Γ·V_th) a step's charge always leaves within the step, so V stays in
        // [0, V_th) and the output follows the input one step at a time (an IF neuron would fall behind above V_th)
        Cases.Where(c => c.ResetTo == 0).Sample(c =>
        {
            var positive = Array.ConvertAll(c.Currents, i => Math.Abs(i) * 1.9f);   // [0, 2.85·V_th] ⊂ [0, Γ·V_th)
            var (spikes, v) = BurstScalar(positive, c.Neurons, ResetMode.Soft, 0);
            if (spikes.Any(k => k is < 0 or > Burst)) return false;
            for (int n = 0; n < c.Neurons; n++)
            {
                double charge = 0, fired = 0, w = 0;
                for (int i = n; i < positive.Length; i += c.Neurons)
                {
                    (charge, fired) = (charge + positive[i], fired + spikes[i]);
                    w = charge - fired * Threshold;
                    if (w < -1e-4 || w >= Threshold + 1e-4) return false;   // no backlog
                }
                if (Math.Abs(fired * Threshold + v[n] - charge) > 1e-4 * (1 + Math.Abs(charge))) return false;
            }
            return true;
        }, iter: 300, seed: "0N0XIzNsQ0O2");
    }
}
