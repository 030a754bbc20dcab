using RmpSnn.Data;

namespace RmpSnn.Tests.Data;

public class DatasetSelectionTests
{
    const string Sample = "fashion-mnist-sample";

    [Fact]
    public void HeldOutValidationAndRemainingTrainingImagesPartitionTheTrainingSet()
    {
        var train = new DatasetSelection(Sample, null, "train", Validation: 500, ValidationSeed: 3).Load();
        var val = new DatasetSelection(Sample, null, "val", Validation: 500, ValidationSeed: 3).Load();
        var again = new DatasetSelection(Sample, null, "val", Validation: 500, ValidationSeed: 3).Load();
        Assert.Equal(5500, train.Count);
        Assert.Equal(500, val.Count);
        Assert.Equal(val.Labels, again.Labels);
        Assert.True(val.Pixels(0).SequenceEqual(again.Pixels(0)));
        var counts = new int[10];
        foreach (int label in train.Labels.Concat(val.Labels)) counts[label]++;
        var all = new DatasetSelection(Sample, null, "train").Load();
        var expected = new int[10];
        foreach (int label in all.Labels) expected[label]++;
        Assert.Equal(expected, counts);
    }

    [Fact]
    public void LimitTakesTheFirstImages()
    {
        var first = new DatasetSelection(Sample, null, "test", Limit: 10).Load();
        var all = new DatasetSelection(Sample, null, "test").Load();
        Assert.Equal(10, first.Count);
        Assert.Equal(all.Labels.Take(10), first.Labels);
    }

    [Fact]
    public void ValidationSplitWithoutHeldOutImagesNamesTheOption()
    {
        var e = Assert.Throws<RmpSnnException>(() => new DatasetSelection(Sample, null, "val").Load());
        Assert.Contains("--val", e.Message);
        Assert.Contains("--limit", Assert.Throws<RmpSnnException>(() => new DatasetSelection(Sample, null, "test", Limit: -1).Load()).Message);
    }
}
