using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Snn;

public class InputEncoderTests
{
    [Fact]
    public void PoissonRatesConvergeToPixelIntensity()
    {
        using var pixels = linspace(0, 1, 11).view(1, 1, 1, 11);
        using var generator = new Generator(7);
        const int steps = 4000;
        using var frames = InputEncoder.Encode(InputCoding.Poisson, pixels, steps, generator);
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
        using var g1 = new Generator(11);
        using var g2 = new Generator(11);
        using var a = InputEncoder.Encode(InputCoding.Poisson, pixels, 16, g1);
        using var b = InputEncoder.Encode(InputCoding.Poisson, pixels, 16, g2);
        Assert.True(a.equal(b).all().item<bool>());
    }

    [Fact]
    public void DirectEncodingRepeatsIntensitiesEveryStep()
    {
        using var pixels = rand(2, 1, 3, 3);
        using var g = new Generator(1);
        using var frames = InputEncoder.Encode(InputCoding.Direct, pixels, 5, g).view(5, 2, 1, 3, 3);
        for (int t = 0; t < 5; t++) Assert.True(frames[t].equal(pixels).all().item<bool>());
    }
}
