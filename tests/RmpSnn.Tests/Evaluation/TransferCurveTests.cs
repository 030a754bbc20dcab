using RmpSnn.Evaluation;
using RmpSnn.Snn;

namespace RmpSnn.Tests.Evaluation;

public class TransferCurveTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(32)]
    [InlineData(128)]
    public void SimulatedSoftResetRateTimesThresholdMatchesInputAndHardResetUndershoots(int steps)
    {
        var currents = TransferCurve.Currents(max: 1, points: 41);
        var soft = TransferCurve.Measure(ResetMode.Soft, steps, currents);
        var hard = TransferCurve.Measure(ResetMode.Hard, steps, currents);
        for (int i = 0; i < currents.Length; i++)
        {
            Assert.True(Math.Abs(soft[i] - currents[i]) <= 1.0 / steps + 1e-6, $"soft, I={currents[i]}, T={steps}: rate {soft[i]}");
            Assert.True(hard[i] <= soft[i] + 1e-9, $"hard fires more than soft at I={currents[i]}");
        }
        // I = 0.3 V_th: hard reset fires every ⌈1/0.3⌉ = 4 steps, i.e. rate 0.25 instead of 0.3.
        Assert.Equal(steps / 4 / (double)steps, hard[12], 1e-9);
        Assert.Equal(0.3, soft[12], 1.0 / steps);
    }

    [Fact]
    public void TransferFigureIsWritten()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("rmpsnn-transfer-").FullName, "transfer.png");
        TransferPlot.Save(path, [8, 32]);
        Assert.True(new FileInfo(path).Length > 1000);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }
}
