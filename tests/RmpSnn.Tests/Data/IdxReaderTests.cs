using RmpSnn.Data;

namespace RmpSnn.Tests.Data;

/// <summary>Fashion-MNIST as installed by Debian's dataset-fashion-mnist, loaded once per test class.</summary>
public sealed class FashionMnistFixture
{
    readonly Lazy<ImageDataset> _train = new(() => IdxReader.Load(TestData.DebianFashionMnist, train: true));
    readonly Lazy<ImageDataset> _test = new(() => IdxReader.Load(TestData.DebianFashionMnist, train: false));
    public ImageDataset Train => _train.Value;
    public ImageDataset Test => _test.Value;
}

public class IdxReaderTests(FashionMnistFixture fashion) : IClassFixture<FashionMnistFixture>
{
    [Fact]
    public void DebianTrainSplitHasKnownLabelsAndPixels()
    {
        var train = fashion.Train;
        Assert.Equal("fashion-mnist/train", train.Name);
        Assert.Equal((60000, 1, 28, 28, 10), (train.Count, train.Channels, train.Height, train.Width, train.Classes));
        Assert.Equal([9, 0, 0, 3, 0, 2, 7, 2, 5, 5], train.Labels.Take(10));
        Assert.All(TestData.ClassCounts(train), count => Assert.Equal(6000, count));
        byte[] row14 = [0, 0, 1, 4, 6, 7, 2, 0, 0, 0, 0, 0, 237, 226, 217, 223, 222, 219, 222, 221, 216, 223, 229, 215, 218, 255, 77, 0];
        Assert.Equal(row14, train.Pixels(0).Slice(14 * 28, 28).ToArray());
        Assert.Equal(76247, Sum(train.Pixels(0)));
    }

    [Fact]
    public void DebianTestSplitHasKnownLabelsAndPixels()
    {
        var test = fashion.Test;
        Assert.Equal("fashion-mnist/test", test.Name);
        Assert.Equal(10000, test.Count);
        Assert.Equal([9, 2, 1, 1, 6, 1, 4, 6, 5, 7], test.Labels.Take(10));
        Assert.All(TestData.ClassCounts(test), count => Assert.Equal(1000, count));
        Assert.Equal(110, test.Pixels(0)[14 * 28 + 14]);
        Assert.Equal(33456, Sum(test.Pixels(0)));
    }

    [Fact]
    public void CatalogNormalizationMatchesTrainStatistics()
    {
        var computed = fashion.Train.ComputeNormalization();
        var defaults = DatasetCatalog.DefaultNormalization("fashion-mnist");
        Assert.Equal(defaults.Mean[0], computed.Mean[0], 3e-4f);
        Assert.Equal(defaults.Std[0], computed.Std[0], 3e-4f);
    }

    [Fact]
    public void ShippedSampleIsTheFirstImagesOfTheRealDataset()
    {
        var train = IdxReader.Load(TestData.RepoSample, train: true);
        var test = IdxReader.Load(TestData.RepoSample, train: false);
        Assert.Equal(("fashion-mnist-sample/train", 6000), (train.Name, train.Count));
        Assert.Equal(("fashion-mnist-sample/test", 1000), (test.Name, test.Count));
        Assert.Equal([560, 643, 608, 612, 584, 594, 590, 617, 590, 602], TestData.ClassCounts(train));
        Assert.Equal([107, 105, 111, 93, 115, 87, 97, 95, 95, 95], TestData.ClassCounts(test));
        AssertPrefixOf(train, fashion.Train);
        AssertPrefixOf(test, fashion.Test);
    }

    static void AssertPrefixOf(ImageDataset prefix, ImageDataset full)
    {
        Assert.Equal(full.Labels.Take(prefix.Count), prefix.Labels);
        for (int i = 0; i < prefix.Count; i++)
            Assert.True(prefix.Pixels(i).SequenceEqual(full.Pixels(i)), $"{prefix.Name} image {i} differs from {full.Name}");
    }

    static int Sum(ReadOnlySpan<byte> pixels)
    {
        int sum = 0;
        foreach (byte b in pixels) sum += b;
        return sum;
    }
}
