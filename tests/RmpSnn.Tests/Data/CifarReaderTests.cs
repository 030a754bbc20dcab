using RmpSnn.Data;

namespace RmpSnn.Tests.Data;

/// <summary>The unpacked shared CIFAR binaries, each split loaded at most once per test class.</summary>
public sealed class CifarFixture
{
    readonly Lazy<ImageDataset> _train10 = new(() => CifarReader.Load10(TestData.Cifar10, train: true));
    readonly Lazy<ImageDataset> _test100 = new(() => CifarReader.Load100(TestData.Cifar100, train: false));
    public ImageDataset Train10 => _train10.Value;
    public ImageDataset Test100 => _test100.Value;
}

public class CifarReaderTests(CifarFixture cifar) : IClassFixture<CifarFixture>
{
    const int Plane = 32 * 32;

    [Fact]
    public void Cifar10TrainHasKnownLabelsAndPixels()
    {
        var train = cifar.Train10;
        Assert.Equal(("cifar10/train", 50000, 3, 32, 32, 10), (train.Name, train.Count, train.Channels, train.Height, train.Width, train.Classes));
        Assert.Equal([6, 9, 9, 4, 1, 1, 2, 7, 8, 3], train.Labels.Take(10));
        Assert.Equal([59, 154, 255, 28, 170, 159, 164, 28, 134, 125], FirstRedBytes(train, 10));
        Assert.All(TestData.ClassCounts(train), count => Assert.Equal(5000, count));
        Assert.Equal(62, train.Pixels(0)[Plane]);               // first green byte
        Assert.Equal(1, train.Labels[^1]);                       // last record of data_batch_5.bin
        Assert.Equal(161, train.Pixels(train.Count - 1)[^1]);    // its last blue byte
    }

    [Fact]
    public void Cifar10TestFallsBackToFirst1000()
    {
        var test = CifarReader.Load10(TestData.Cifar10, train: false);
        Assert.Equal(("cifar10/test-first1000", 1000), (test.Name, test.Count));
        Assert.Equal([3, 8, 8, 0, 6, 6, 1, 6, 3, 1], test.Labels.Take(10));
        Assert.Equal([158, 235, 158, 155, 65, 179, 160, 83, 23, 217], FirstRedBytes(test, 10));
        Assert.Equal([103, 89, 100, 103, 90, 86, 112, 102, 106, 109], TestData.ClassCounts(test));
    }

    [Fact]
    public void Cifar100TrainHasKnownFineLabelsAndPixels()
    {
        var train = CifarReader.Load100(TestData.Cifar100, train: true);
        Assert.Equal(("cifar100/train", 50000, 100), (train.Name, train.Count, train.Classes));
        Assert.Equal([19, 29, 0, 11, 1], train.Labels.Take(5));
        Assert.Equal([255, 255, 250, 124, 43, 190, 50, 178, 122, 255], FirstRedBytes(train, 10));
        Assert.All(TestData.ClassCounts(train), count => Assert.Equal(500, count));
    }

    [Fact]
    public void Cifar100TestHasKnownFineLabels()
    {
        var test = cifar.Test100;
        Assert.Equal(("cifar100/test", 10000, 100), (test.Name, test.Count, test.Classes));
        Assert.Equal([49, 33, 72, 51, 71, 92, 15, 14, 23, 0], test.Labels.Take(10));
        Assert.All(TestData.ClassCounts(test), count => Assert.Equal(100, count));
    }

    [Fact]
    public void Cifar100CoarseLabelsGroupFineClasses()
    {
        var coarse = CifarReader.Load100(TestData.Cifar100, train: false, coarse: true);
        var fine = cifar.Test100;
        Assert.Equal(("cifar100-coarse/test", 20), (coarse.Name, coarse.Classes));
        Assert.All(TestData.ClassCounts(coarse), count => Assert.Equal(500, count));
        Assert.True(coarse.Pixels(9999).SequenceEqual(fine.Pixels(9999)));
        // Each fine class belongs to exactly one coarse superclass, five fine classes each.
        var superclass = Enumerable.Range(0, fine.Count).GroupBy(i => fine.Labels[i], i => coarse.Labels[i]).ToArray();
        Assert.All(superclass, g => Assert.Single(g.Distinct()));
        Assert.All(superclass.GroupBy(g => g.First()), g => Assert.Equal(5, g.Count()));
    }

    static int[] FirstRedBytes(ImageDataset data, int count) =>
        Enumerable.Range(0, count).Select(i => (int)data.Pixels(i)[0]).ToArray();
}
