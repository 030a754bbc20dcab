using CsCheck;
using RmpSnn.Evaluation;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Snn;

[Collection(SerialTorchRng.Name)]   // seeds torch's global generator
public class IfLayerTests
{
    const float Threshold = 1.5f;

    static double[] Rates(ResetMode reset, float[] currents, int steps)
    {
        var neuron = new IfLayer("test", new NeuronOptions(reset)) { Threshold = Threshold };
        using var input = tensor(currents).unsqueeze(0).expand(steps, currents.Length).contiguous();
        using var output = neuron.Forward(input, null, new StepContext(steps, 1, 0));
        using var spikes = output.sum(0, keepdim: false) / Threshold;
        return spikes.data<float>().Select(s => (double)s / steps).ToArray();
    }

    static float[] CurrentsUpToThreshold() => Enumerable.Range(1, 40).Select(i => Threshold * i / 40f).ToArray();

    [Fact]
    public void SoftResetRateTimesThresholdIsWithinThresholdOverTOfTheInputCurrent()
    {
        // random V_th, T, V(0) ∈ [0, V_th) and constant currents z ∈ [0, V_th]: |rate·V_th − z| ≤ V_th/T (+ float rounding)
        var cases =
            from threshold in Gen.Float[0.05f, 20f]
            from steps in Gen.Int[1, 600]
            from start in Gen.Float[0f, 0.999f]
            from fractions in Gen.Float[0f, 1f].Array[1, 33]
            select (threshold, steps, start, fractions);
        cases.Sample(c =>
        {
            var z = c.fractions.Select(f => f * c.threshold).ToArray();
            using var neuron = new IfLayer("n", new NeuronOptions(ResetMode.Soft, InitialPotential: c.start)) { Threshold = c.threshold };
            using var input = tensor(z).unsqueeze(0).expand(c.steps, z.Length).contiguous();
            using var output = neuron.Forward(input, null, new StepContext(c.steps, 1, 0));
            using var sums = output.sum(0, keepdim: false);   // not sum(0): a bare 0 binds to sum(ScalarType) as Byte
            var fired = sums.data<float>().ToArray();
            return z.Select((current, i) => Math.Abs(fired[i] / c.steps - current) <= c.threshold / c.steps + 1e-5 * c.threshold * c.steps)
                .All(ok => ok);
        }, iter: 150, seed: "0SoftBound01");
    }

    [Fact]
    public void HardResetUndershootsWhenCurrentDoesNotDivideThreshold()
    {
        float[] z = [0.3f * Threshold, 0.4f * Threshold, 0.7f * Threshold];   // θ/z not an integer
        var rates = Rates(ResetMode.Hard, z, 2000);
        for (int i = 0; i < z.Length; i++)
        {
            double expected = 1.0 / Math.Ceiling(Threshold / z[i]);           // one spike every ⌈θ/z⌉ steps
            Assert.Equal(expected, rates[i], 2);
            Assert.True(rates[i] * Threshold < z[i] - 0.05 * Threshold, $"hard reset should undershoot at z={z[i]}");
        }
        var soft = Rates(ResetMode.Soft, z, 2000);
        for (int i = 0; i < z.Length; i++) Assert.Equal(z[i], soft[i] * Threshold, 2);
    }

    [Fact]
    public void ChunkedStepsEqualSingleSteps()
    {
        manual_seed(3);
        using var currents = rand(40, 2, 7);
        var chunked = new IfLayer("a", new NeuronOptions(ResetMode.Soft, InitialPotential: 0.5f)) { Threshold = 0.8f };
        var single = new IfLayer("b", new NeuronOptions(ResetMode.Soft, InitialPotential: 0.5f)) { Threshold = 0.8f };
        using var whole = chunked.Forward(currents.view(80, 7), null, new StepContext(40, 2, 0));
        var perStep = Enumerable.Range(0, 40).Select(t => single.Forward(currents[t], null, new StepContext(1, 2, t))).ToArray();
        using var stacked = cat(perStep, 0);
        Assert.True(whole.equal(stacked).all().item<bool>());
    }

    [Theory]
    [InlineData(ResetMode.Soft)]
    [InlineData(ResetMode.Hard)]
    public void ReferenceLoopSurvivesGarbageCollectionDuringItsNativeCalls(ResetMode reset)
    {
        // TorchSharp reads a Scalar's handle without keeping the Scalar alive: an implicitly converted scalar argument
        // can be finalized while LibTorch uses it ("Expected false to be true" from Scalar::toFloat). Collect continuously;
        // with implicit scalars this failed within seconds.
        using var currents = full(50, 1 << 16, 0.3f);
        var neuron = new IfLayer("n", new NeuronOptions(reset, ResetPotential: 0.1f), SimulationEngine.Reference) { Threshold = 0.7f };
        bool stop = false;
        var collector = new Thread(() => { while (!Volatile.Read(ref stop)) { GC.Collect(0); GC.WaitForPendingFinalizers(); } });
        collector.Start();
        try
        {
            // 300 chunks take ~7 s alone; in the full suite every collection pauses a larger heap, so stop after 10 s
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int chunk = 0; chunk < 300 && clock.Elapsed.TotalSeconds < 10; chunk++)
            {
                using var scope = NewDisposeScope();   // as in Simulator: the scope keeps the chunk's tensors reachable
                var output = neuron.Forward(currents, null, new StepContext(50, 1, chunk * 50));
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            collector.Join();
        }
    }

    [Theory]
    [InlineData(ResetMode.Hard, 0f, SimulationEngine.Reference)]
    [InlineData(ResetMode.Hard, 0.25f, SimulationEngine.Reference)]
    [InlineData(ResetMode.Soft, 0f, SimulationEngine.Reference)]
    [InlineData(ResetMode.Hard, 0f, SimulationEngine.Dense)]
    [InlineData(ResetMode.Hard, 0.25f, SimulationEngine.Dense)]
    [InlineData(ResetMode.Soft, 0f, SimulationEngine.Dense)]
    public void MembraneFollowsTheScalarDefinitionExactly(ResetMode reset, float resetPotential, SimulationEngine engine)
    {
        // the layer (either kernel) against the scalar rule IntegrateAndFire.Step, neuron by neuron, in float32
        manual_seed(4);
        using var currents = rand(30, 5) * 0.9 - 0.2;
        var neuron = new IfLayer("n", new NeuronOptions(reset, ResetPotential: resetPotential), engine) { Threshold = 0.7f };
        using var output = neuron.Forward(currents.view(150, 1), null, new StepContext(30, 5, 0));
        var i = currents.data<float>().ToArray();
        var spikes = output.data<float>().ToArray();
        var v = new float[5];
        for (int t = 0; t < 30; t++)
            for (int n = 0; n < 5; n++)
            {
                bool fired = IntegrateAndFire.Step(ref v[n], i[t * 5 + n], 0.7f, reset, resetPotential * 0.7f);
                Assert.Equal(fired ? 0.7f : 0f, spikes[t * 5 + n]);
            }
        Assert.Equal(v, neuron.MembranePotential!.data<float>().ToArray());
    }

    [Theory]
    [InlineData(ResetMode.Soft, 0f, false, 1)]
    [InlineData(ResetMode.Hard, 0f, false, 1)]
    [InlineData(ResetMode.Hard, 0.3f, false, 1)]
    [InlineData(ResetMode.Soft, 0f, true, 1)]
    [InlineData(ResetMode.Hard, 0.3f, true, 1)]
    [InlineData(ResetMode.Soft, 0f, false, 3)]
    [InlineData(ResetMode.Hard, 0.3f, false, 3)]
    public void FusedKernelIsBitIdenticalToTheReferenceLoop(ResetMode reset, float resetPotential, bool signed, int maxBurst)
    {
        // several 4096-neuron blocks plus a ragged tail, a chunk of steps, a non-zero initial potential, spike counts recorded
        manual_seed(9);
        using var currents = (randn(5 * 3, 2, 3011) * 0.6f + 0.2f) * maxBurst;
        var options = new NeuronOptions(reset, InitialPotential: 0.4f, ResetPotential: resetPotential, Signed: signed, MaxBurst: maxBurst);
        var outputs = new List<float[]>();
        var potentials = new List<float[]>();
        var recorders = new List<SpikeRecorder>();
        foreach (var engine in new[] { SimulationEngine.Reference, SimulationEngine.Dense })
        {
            var neuron = new IfLayer("n", options, engine) { Threshold = 0.9f };
            var recorder = new SpikeRecorder(["n"], [], 15);
            var spikes = new List<float>();
            for (int first = 0; first < 15; first += 5)
            {
                using var chunk = currents.narrow(0, first, 5).reshape(10, 3011);
                using var output = neuron.Forward(chunk, null, new StepContext(5, 2, first, recorder));
                spikes.AddRange(output.data<float>().ToArray());
            }
            outputs.Add([.. spikes]);
            potentials.Add(neuron.MembranePotential!.data<float>().ToArray());
            recorders.Add(recorder);
        }
        Assert.Equal(outputs[0], outputs[1]);
        Assert.Equal(potentials[0], potentials[1]);
        Assert.Equal(recorders[0].Spikes[0], recorders[1].Spikes[0]);
        Assert.True(recorders[0].Spikes[0].Sum() > 1000, "the input should make neurons fire");
        if (signed) Assert.True(outputs[0].Count(x => x < 0) > 1000, "the input should make signed neurons take spikes back");
        if (maxBurst > 1) Assert.True(outputs[0].Count(x => x == maxBurst * 0.9f) > 100, "the input should make neurons fire full bursts");
    }

    [Fact]
    public void FusedKernelTakesCurrentsInAnyMemoryLayout()
    {
        // the event engine hands over channels-last currents; a dense fallback may hand over NCHW ones in a later chunk
        manual_seed(10);
        using var currents = rand([6, 3, 16, 5, 5]) * 0.5f;
        Tensor ChannelsLast(Tensor x) => x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        var reference = new IfLayer("r", new NeuronOptions(ResetMode.Soft), SimulationEngine.Reference) { Threshold = 0.6f };
        var fused = new IfLayer("f", new NeuronOptions(ResetMode.Soft), SimulationEngine.Dense) { Threshold = 0.6f };
        for (int t = 0; t < 6; t++)
        {
            using var step = currents[t];
            using var expected = reference.Forward(step, null, new StepContext(1, 3, t));
            using var input = t % 2 == 0 ? ChannelsLast(step) : step.alias();
            using var actual = fused.Forward(input, null, new StepContext(1, 3, t));
            Assert.True(actual.equal(expected).all().item<bool>(), $"step {t}");
        }
        Assert.True(fused.MembranePotential!.equal(reference.MembranePotential!).all().item<bool>());
    }

    [Fact]
    public void HardResetGoesToConfiguredResetPotential()
    {
        var neuron = new IfLayer("n", new NeuronOptions(ResetMode.Hard, ResetPotential: 0.25f)) { Threshold = 1f };
        using var _ = neuron.Forward(tensor(new[] { 1.3f }), null, new StepContext(1, 1, 0));
        Assert.Equal(0.25f, neuron.MembranePotential!.item<float>());
    }

    [Fact]
    public void InvalidNeuronOptionsNameTheOption()
    {
        var e = Assert.Throws<RmpSnnException>(() => new NeuronOptions(ResetMode.Soft, InitialPotential: 1.5f).Validate());
        Assert.Contains("--initial-potential", e.Message);
    }
}
