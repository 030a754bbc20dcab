using RmpSnn.Data;

namespace RmpSnn.Tests.Data;

public class DatasetCatalogTests
{
    [Fact]
    public void FindsTheEmbeddedSampleNextToTheExecutable()
    {
        Assert.StartsWith(AppContext.BaseDirectory, DatasetCatalog.DefaultRoot("fashion-mnist-sample"));
        var test = DatasetCatalog.Load("fashion-mnist-sample", null, "test");
        Assert.Equal(("fashion-mnist-sample/test", 1000, 28), (test.Name, test.Count, test.Width));
        Assert.Equal([9, 2, 1, 1, 6, 1, 4, 6, 5, 7], test.Labels.Take(10));
    }

    [Fact]
    public void LoadsDebianFashionMnistByDefault()
    {
        _ = TestData.DebianFashionMnist;
        var test = DatasetCatalog.Load("fashion-mnist", null, "test");
        Assert.Equal(("fashion-mnist/test", 10000), (test.Name, test.Count));
    }

    [Fact]
    public void LoadsCifarFromAGivenRoot()
    {
        var test = DatasetCatalog.Load("cifar10", TestData.Cifar10, "test");
        Assert.Equal(("cifar10/test-first1000", 1000), (test.Name, test.Count));
    }

    [Fact]
    public void CifarDefaultsLiveUnderTheDataRoot()
    {
        Assert.Equal(Path.Combine(DatasetCatalog.DataRoot, "cifar-10-batches-bin"), DatasetCatalog.DefaultRoot("cifar10"));
        Assert.Equal(Path.Combine(DatasetCatalog.DataRoot, "cifar-100-binary"), DatasetCatalog.DefaultRoot("cifar100"));
        Assert.Equal(DatasetCatalog.DebianFashionMnistRoot, DatasetCatalog.DefaultRoot("fashion-mnist"));
        Assert.Null(DatasetCatalog.DefaultRoot("imagefolder"));
    }

    [Fact]
    public void DefaultNormalizationAndAugmentation()
    {
        Assert.Equal([0.4914f, 0.4822f, 0.4465f], DatasetCatalog.DefaultNormalization("cifar10").Mean);
        Assert.Equal([0.2673f, 0.2564f, 0.2762f], DatasetCatalog.DefaultNormalization("cifar100").Std);
        Assert.Equal(Augmentation.Cifar, DatasetCatalog.DefaultAugmentation("cifar100"));
        Assert.Null(DatasetCatalog.DefaultAugmentation("fashion-mnist"));
        Assert.All(DatasetCatalog.Names, name => Assert.NotNull(DatasetCatalog.DefaultNormalization(name)));
    }

    [Theory]
    [InlineData("cifar10", "run ../shared/data/unpack ./data")]
    [InlineData("fashion-mnist", "apt-get install dataset-fashion-mnist")]
    public void MissingFolderSaysHowToGetTheData(string name, string hint) =>
        UserError.Expect(() => DatasetCatalog.Load(name, "/nonexistent/rmpsnn-data", "train"), "/nonexistent/rmpsnn-data", hint);

    [Fact]
    public void UnknownDataset() =>
        UserError.Expect(() => DatasetCatalog.Load("imagenet21k", null, "train"), "--dataset imagenet21k", "fashion-mnist-sample");

    [Fact]
    public void UnknownSplit() =>
        UserError.Expect(() => DatasetCatalog.Load("fashion-mnist-sample", null, "validation"), "--split validation", "train or test");

    [Fact]
    public void ImageFolderNeedsARoot() =>
        UserError.Expect(() => DatasetCatalog.Load("imagefolder", null, "val"), "--root", "no default folder");
}
