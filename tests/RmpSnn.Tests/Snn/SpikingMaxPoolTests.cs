using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Snn;

[Collection(SerialTorchRng.Name)]   // seeds torch's global generator
public class SpikingMaxPoolTests
{
    // One sample, one channel, a 2×4 map = two 2×2 windows, 8 steps. Left window (row-major n0 n1 / n4 n5):
    // n0 spikes first, n1 then leads, n4 catches up (tie → the earlier neuron keeps the gate) and overtakes. Right window: n2 only.
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

    // Left window: counts (n0, n1, n4) after each step → winner → its spike this step.
    // t0 (1,0,0) n0→1 · t1 (1,1,0) tie n0→0 · t2 (1,2,0) n1→1 · t3 (1,2,1) n1→0 · t4 (1,3,2) n1→1 ·
    // t5 (1,3,3) tie n1→0 · t6 (1,3,4) n4→1 · t7 n4→1.
    static readonly float[] LeftExpected = [1, 0, 1, 0, 1, 0, 1, 1];
    static readonly float[] RightExpected = [0, 1, 0, 1, 0, 0, 1, 0];

    static SpikingMaxPool Pool() => new("maxpool1", [2, 2], [2, 2], [0, 0], [1, 1], false);

    static Tensor Input(float amplitude) => tensor(Train.SelectMany(r => r).ToArray()).view(8, 1, 2, 4) * amplitude;

    [Fact]
    public void EachWindowPassesTheSpikesOfItsMostActiveInputSoFar()
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
