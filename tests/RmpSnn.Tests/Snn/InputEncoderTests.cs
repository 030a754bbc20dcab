using CsCheck;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Snn;

public class InputEncoderTests
{
    [Fact]
    public void PoissonRatesConvergeToPixelIntensity()
    {
        using var pixels = linspace(0, 1, 11).view(1, 1, 1, 11);
        const int steps = 4000;
        using var frames = InputEncoder.Encode(InputCoding.Poisson, pixels, 0, steps, seed: 7, [0]);
        Assert.True(frames.eq(0).logical_or(frames.eq(1)).all().item<bool>(), "Poisson frames must be binary");
        using var rates = frames.mean([0]).flatten();
        var p = pixels.flatten().data<float>().ToArray();
        var r = rates.data<float>().ToArray();
        for (int i = 0; i < p.Length; i++)
            Assert.True(Math.Abs(r[i] - p[i]) <= 4 * Math.Sqrt(p[i] * (1 - p[i]) / steps) + 1e-6, $"pixel {p[i]}: rate {r[i]}");
    }

    [Fact]
    public void PoissonSpikesAreReproducibleWithTheSameSeed()
    {
        using var pixels = full(2, 3, 4, 4, 0.5f);
        using var a = InputEncoder.Encode(InputCoding.Poisson, pixels, 0, 16, seed: 11, [0, 1]);
        using var b = InputEncoder.Encode(InputCoding.Poisson, pixels, 0, 16, seed: 11, [0, 1]);
        using var other = InputEncoder.Encode(InputCoding.Poisson, pixels, 0, 16, seed: 12, [0, 1]);
        Assert.True(a.equal(b).all().item<bool>());
        Assert.False(a.equal(other).all().item<bool>());
    }

    [Fact]
    public void AnImagesSpikesDependOnlyOnItsIdAndTheStepNotOnBatchOrChunk()
    {
        using var pixels = full(3, 1, 5, 5, 0.5f);
        using var whole = InputEncoder.Encode(InputCoding.Poisson, pixels, 0, 12, seed: 3, [40, 7, 900_000]).view(12, 3, 1, 5, 5);
        using var alone = InputEncoder.Encode(InputCoding.Poisson, pixels[1..2], 0, 5, seed: 3, [7]);
        using var rest = InputEncoder.Encode(InputCoding.Poisson, pixels[1..2], 5, 7, seed: 3, [7]);
        using var chunked = cat([alone, rest], 0);
        Assert.True(chunked.equal(whole[.., 1]).all().item<bool>(), "image 7 alone, in two chunks, must see the spikes it sees in the batch");
        Assert.False(whole[.., 0].equal(whole[.., 1]).all().item<bool>(), "two images must not share spikes");
        Assert.False(whole[0].equal(whole[1]).all().item<bool>(), "two steps must not share spikes");
    }

    [Fact]
    public void AnyBatchingAndChunkingOfTheImagesGivesTheSameBinarySpikes()
    {
        var cases =
            from images in Gen.Int[1, 6]
            from steps in Gen.Int[1, 12]
            from split in Gen.Int[0, 12]
            from seed in Gen.Int[0, 1000]
            from ids in Gen.Int[0, 2_000_000].Array[images]
            select (images, steps, split: Math.Min(split, steps), seed, ids);
        cases.Sample(c =>
        {
            using var pixels = rand(c.images, 2, 3, 3);
            using var whole = InputEncoder.Encode(InputCoding.Poisson, pixels, 0, c.steps, c.seed, c.ids).view(c.steps, c.images, 2, 3, 3);
            if (!whole.eq(0).logical_or(whole.eq(1)).all().item<bool>()) return false;
            for (int i = 0; i < c.images; i++)
            {
                using var one = pixels[i..(i + 1)];
                using var head = InputEncoder.Encode(InputCoding.Poisson, one, 0, c.split, c.seed, [c.ids[i]]);
                using var tail = InputEncoder.Encode(InputCoding.Poisson, one, c.split, c.steps - c.split, c.seed, [c.ids[i]]);
                using var alone = cat([head, tail], 0);
                using var inBatch = whole[.., i];
                if (!alone.equal(inBatch.reshape(alone.shape)).all().item<bool>()) return false;
            }
            return true;
        }, iter: 100, seed: "0Encoder0001");
    }

    [Fact]
    public void DirectEncodingRepeatsIntensitiesEveryStep()
    {
        using var pixels = rand(2, 1, 3, 3);
        using var frames = InputEncoder.Encode(InputCoding.Direct, pixels, 0, 5, seed: 1, [0, 1]).view(5, 2, 1, 3, 3);
        for (int t = 0; t < 5; t++) Assert.True(frames[t].equal(pixels).all().item<bool>());
    }
}
