using CsCheck;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Snn;

[Collection(SerialTorchRng.Name)]   // seeds torch's global generator
public class SpikingMaxPoolTests
{
    // One sample, one channel, a 2×4 map = two 2×2 windows, 8 steps. Left window (row-major n0 n1 / n4 n5):
    // n0 spikes first, n1 then leads, n4 catches up (no spike: the largest count does not rise) and overtakes. Right window: n2 only.
    static readonly float[][] Train =
    [
        //          n0 n1 n2 n3 n4 n5 n6 n7
        /* t0 */ [1, 0, 0, 0, 0, 0, 0, 0],
        /* t1 */ [0, 1, 1, 0, 0, 0, 0, 0],
        /* t2 */ [0, 1, 0, 0, 0, 0, 0, 0],
        /* t3 */ [0, 0, 1, 0, 1, 0, 0, 0],
        /* t4 */ [0, 1, 0, 0, 1, 0, 0, 0],
        /* t5 */ [0, 0, 0, 0, 1, 0, 0, 0],
        /* t6 */ [0, 0, 1, 0, 1, 0, 0, 0],
        /* t7 */ [0, 0, 0, 0, 1, 0, 0, 0],
    ];

    // Left window: counts (n0, n1, n4) after each step → largest count → a spike when it rises.
    // t0 (1,0,0) 1→1 · t1 (1,1,0) 1→0 · t2 (1,2,0) 2→1 · t3 (1,2,1) 2→0 · t4 (1,3,2) 3→1 ·
    // t5 (1,3,3) 3→0 · t6 (1,3,4) 4→1 · t7 (1,3,5) 5→1.
    static readonly float[] LeftExpected = [1, 0, 1, 0, 1, 0, 1, 1];
    static readonly float[] RightExpected = [0, 1, 0, 1, 0, 0, 1, 0];

    static SpikingMaxPool Pool() => new("maxpool1", [2, 2], [2, 2], [0, 0], [1, 1], false);

    static Tensor Input(float amplitude) => tensor(Train.SelectMany(r => r).ToArray()).view(8, 1, 2, 4) * amplitude;

    [Fact]
    public void EachWindowSpikesWhenItsLargestCountRises()
    {
        var pool = Pool();
        using var input = Input(0.7f);
        using var output = pool.Forward([input], new StepContext(8, 1, 0));
        Assert.Equal([8L, 1, 1, 2], output.shape);
        var values = output.view(8, 2).data<float>().ToArray();
        Assert.Equal(LeftExpected.Select(v => v * 0.7f), values.Where((_, i) => i % 2 == 0));
        Assert.Equal(RightExpected.Select(v => v * 0.7f), values.Where((_, i) => i % 2 == 1));
    }

    [Fact]
    public void ANeuronCatchingUpWithTheLeaderAddsNoSpike()
    {
        // n1 and n0 take turns: counts (n0, n1) = (0,1) (1,1) (1,2) (2,2). A gate that hands ties to the first neuron
        // forwards n0's catching-up spikes too and fires 4 times for a max count of 2.
        float[] train = [0, 1, 1, 0, 0, 1, 1, 0];
        var pool = new SpikingMaxPool("pool", [1, 2], [1, 2], [0, 0], [1, 1], false);
        using var input = tensor(train).view(4, 1, 1, 2);
        using var output = pool.Forward([input], new StepContext(4, 1, 0));
        Assert.Equal([1f, 0, 1, 0], output.data<float>().ToArray());
    }

    [Fact]
    public void EveryWindowsSpikeCountIsTheLargestCountAmongItsInputsAtEveryStep()
    {
        var cases =
            from steps in Gen.Int[1, 30]
            from width in Gen.Int[1, 7]
            from kernel in Gen.Int[1, 4]
            from stride in Gen.Int[1, 3]
            from rate in Gen.Float[0.05f, 0.95f]
            from seed in Gen.Int
            select (steps, width, kernel: Math.Min(kernel, width), stride, rate, seed);
        cases.Sample(c =>
        {
            var random = new Random(c.seed);
            var train = Enumerable.Range(0, c.steps * 2 * c.width * c.width)
                .Select(_ => random.NextSingle() < c.rate ? 0.6f : 0f).ToArray();
            var pool = new SpikingMaxPool("pool", [c.kernel, c.kernel], [c.stride, c.stride], [0, 0], [1, 1], false);
            using var spikes = tensor(train).view(c.steps, 2, 1, c.width, c.width);
            using var output = pool.Forward([spikes.view(c.steps * 2, 1, c.width, c.width)], new StepContext(c.steps, 2, 0));
            using var counts = spikes.cumsum(0).view(c.steps * 2, 1, c.width, c.width);
            using var largest = nn.functional.max_pool2d(counts, [c.kernel, c.kernel], [c.stride, c.stride]);
            using var fired = output.view([c.steps, 2, .. output.shape[1..]]).cumsum(0).view_as(largest);
            bool binary = output.data<float>().ToArray().All(v => v == 0f || v == 0.6f);
            return binary && fired.allclose(largest, rtol: 0, atol: 1e-5);
        }, iter: 200, seed: "0MaxPool0001");
    }

    [Fact]
    public void ResetStateForgetsTheCounts()
    {
        var pool = Pool();
        using var input = Input(1f);
        using var first = pool.Forward([input], new StepContext(8, 1, 0));
        pool.ResetState();
        using var again = pool.Forward([input], new StepContext(8, 1, 0));
        Assert.True(TensorAssert.Same(first, again));
        using var continued = pool.Forward([input], new StepContext(8, 1, 8));   // without a reset n1 keeps its lead: different
        Assert.False(TensorAssert.Same(first, continued));
    }

    [Fact]
    public void ChunkedStepsEqualSingleSteps()
    {
        manual_seed(5);
        using var spikes = rand([40, 3, 4, 6, 6]).lt(0.3).to_type(ScalarType.Float32) * 1.25f;
        var chunked = new SpikingMaxPool("a", [3, 3], [2, 2], [1, 1], [1, 1], true);
        var single = new SpikingMaxPool("b", [3, 3], [2, 2], [1, 1], [1, 1], true);
        using var whole = chunked.Forward([spikes.view(120, 4, 6, 6)], new StepContext(40, 3, 0));
        var perStep = Enumerable.Range(0, 40).Select(t => single.Forward([spikes[t]], new StepContext(1, 3, t))).ToArray();
        using var stacked = cat(perStep, 0);
        Assert.True(TensorAssert.Same(whole, stacked));
        foreach (var t in perStep) t.Dispose();
    }
}
