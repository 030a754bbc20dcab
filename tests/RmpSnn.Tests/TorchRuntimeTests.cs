using static TorchSharp.torch;

namespace RmpSnn.Tests;

public class TorchRuntimeTests
{
    [Fact]
    public void TorchInitialisesAndComputes()
    {
        using var a = tensor(new float[] { 1, 2, 3 });
        Assert.Equal(14f, (a * a).sum().item<float>());
    }
}
