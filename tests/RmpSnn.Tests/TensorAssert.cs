using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Tests;

/// <summary>Exact tensor comparisons for tests.</summary>
static class TensorAssert
{
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    /// <summary>Asserts that two modules have the same state-dict keys and bit-identical values.</summary>
    public static void SameState(nn.Module a, nn.Module b)
    {
        var sa = a.state_dict();
        var sb = b.state_dict();
        Assert.Equal(sa.Keys, sb.Keys);
        foreach (var (key, value) in sa)
            Assert.True(Same(value, sb[key]), $"{key} differs");
    }
}
