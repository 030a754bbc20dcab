using RmpSnn.Data;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Data;

public class ImageDatasetTests
{
    /// <summary><paramref name="count"/> single-pixel-valued 1×2×2 images: image i is filled with byte i, label i % 10.</summary>
    static ImageDataset Numbered(int count) => new("numbered",
        Enumerable.Range(0, count).SelectMany(i => Enumerable.Repeat((byte)i, 4)).ToArray(),
        Enumerable.Range(0, count).Select(i => i % 10).ToArray(), 1, 2, 2, 10);

    static int[] Ids(ImageDataset data) => Enumerable.Range(0, data.Count).Select(i => (int)data.Pixels(i)[0]).ToArray();

    [Fact]
    public void SplitIsDisjointCompleteAndSeeded()
    {
        var data = Numbered(100);
        var (train, val) = data.Split(20, seed: 1);
        Assert.Equal((80, 20), (train.Count, val.Count));
        Assert.Equal(("numbered/train-split", "numbered/val-split"), (train.Name, val.Name));
        Assert.Empty(Ids(train).Intersect(Ids(val)));
        Assert.Equal(Enumerable.Range(0, 100), Ids(train).Concat(Ids(val)).Order());
        Assert.All(Ids(val), id => Assert.Equal(id % 10, val.Labels[Array.IndexOf(Ids(val), id)]));
        Assert.Equal(Ids(val), Ids(data.Split(20, seed: 1).Validation));
        Assert.NotEqual(Ids(val), Ids(data.Split(20, seed: 2).Validation));
    }

    [Fact]
    public void SplitRejectsImpossibleSizes() =>
        UserError.Expect(() => Numbered(10).Split(10, seed: 0), "--val 10", "between 1 and 9");

    [Fact]
    public void BatchesHaveShapesLabelsAndNormalisedValues()
    {
        var norm = new Normalization([0.5f], [0.25f]);
        var batches = Numbered(10).Batches(4, norm, CPU).ToList();
        try
        {
            Assert.Equal([4, 4, 2], batches.Select(b => b.Size));
            Assert.Equal([4L, 1, 2, 2], batches[0].Images.shape);
            Assert.Equal(ScalarType.Int64, batches[0].Labels.dtype);
            Assert.Equal([8L, 9], batches[2].Labels.data<long>().ToArray());
            Assert.Equal((9 / 255f - 0.5f) / 0.25f, batches[2].Images[1, 0, 1, 1].item<float>(), 1e-6f);
        }
        finally { batches.ForEach(b => b.Dispose()); }
    }

    [Fact]
    public void ShuffleIsReproducibleWithASeed()
    {
        var data = Numbered(50);
        long[] Order(int seed) => data.Batches(16, Normalization.Identity(1), CPU, shuffle: true, seed: seed)
            .SelectMany(b => { using (b) return b.Images[.., 0, 0, 0].mul(255).round().to_type(ScalarType.Int64).data<long>().ToArray(); })
            .ToArray();
        Assert.Equal(Order(7), Order(7));
        Assert.NotEqual(Order(7), Order(8));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), Order(7).Order());
    }

    [Fact]
    public void DefaultNormalisationCentresTheSample()
    {
        var sample = DatasetCatalog.Load("fashion-mnist-sample", null, "test");
        using var batch = sample.Batches(1000, DatasetCatalog.DefaultNormalization("fashion-mnist-sample"), CPU).Single();
        Assert.Equal([1000L, 1, 28, 28], batch.Images.shape);
        Assert.InRange(batch.Images.mean().item<float>(), -0.05f, 0.05f);
        Assert.InRange(batch.Images.std().item<float>(), 0.95f, 1.05f);
    }
}
