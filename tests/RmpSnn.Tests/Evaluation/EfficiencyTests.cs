using RmpSnn.Conversion;
using RmpSnn.Evaluation;
using RmpSnn.Experiments;
using RmpSnn.Snn;

namespace RmpSnn.Tests.Evaluation;

/// <summary>Energy and latency on hand-made results: 2 samples, 4 steps, two weighted layers of 100 and 50 dense MACs.</summary>
public class EfficiencyTests
{
    static SimulationResult Result(string label, long[] correctPerStep)
    {
        var recorder = new SpikeRecorder(["relu1"], ["conv1", "fc"], 4);
        double[] first = [40, 40, 40, 40], second = [10, 20, 30, 40];    // summed over the 2 samples
        first.CopyTo(recorder.SynapticOps[0], 0);
        second.CopyTo(recorder.SynapticOps[1], 0);
        double[] spikes = [2, 4, 6, 8];
        spikes.CopyTo(recorder.Spikes[0], 0);
        return new SimulationResult(label, 2, correctPerStep, [new LayerInfo("relu1", 10)],
            [new LayerInfo("conv1", 100), new LayerInfo("fc", 50)], recorder);
    }

    [Fact]
    public void AnnEnergyIsMacsTimesMacCost()
    {
        var r = Result("soft", [0, 1, 2, 2]);
        Assert.Equal(150, EnergyModel.AnnMacs(r));
        Assert.Equal(150 * 4.6, EnergyModel.Ann(r), 1e-9);
    }

    [Fact]
    public void PoissonSnnEnergyCountsEveryLayerAsSynapticOps()
    {
        var r = Result("soft", [0, 1, 2, 2]);
        // first 3 steps per sample: layer 1 (40+40+40)/2 = 60, layer 2 (10+20+30)/2 = 30
        Assert.Equal(0.9 * (60 + 30), EnergyModel.Snn(r, InputCoding.Poisson, 3), 1e-9);
    }

    [Fact]
    public void DirectSnnEnergyChargesTheFirstLayerItsDenseMacsEveryStep()
    {
        var r = Result("soft", [0, 1, 2, 2]);
        Assert.Equal(4.6 * 100 * 3 + 0.9 * 30, EnergyModel.Snn(r, InputCoding.Direct, 3), 1e-9);
    }

    [Fact]
    public void LatencyIsTheFirstStepWithinTheMarginAndSpeedupIsHardOverSoft()
    {
        // accuracy (%) per step: soft 0, 50, 100, 100; hard 0, 0, 50, 100
        var soft = Result("soft", [0, 1, 2, 2]);
        var hard = Result("hard", [0, 0, 1, 2]);
        Assert.Equal(3, Latency.StepsTo(soft, 100, 0.5));
        Assert.Equal(2, Latency.StepsTo(soft, 51, 1));
        Assert.Null(Latency.StepsTo(hard, 101, 0.5));
        Assert.Equal(4.0 / 3, Latency.Speedup(hard, soft, 100, 0.5)!.Value, 1e-12);
        Assert.Null(Latency.Speedup(hard, soft, 101, 0.5));

        var summary = SweepSummary.Of(NormMode.Spike, InputCoding.Poisson, ResetMode.Soft, 1, soft, hard, 100);
        Assert.Equal(3, summary.StepsToAnnMinus["1"]);
        Assert.Equal(4.0 / 3, summary.SpeedupOverHard!["1"]!.Value, 1e-12);
        Assert.Equal(60 + 30, summary.SopsAtAnnMinus1!.Value, 1e-9);
        Assert.Equal(0.9 * 90, summary.EnergySnnPicojoulesAtAnnMinus1!.Value, 1e-9);
        Assert.Equal(0.9 * (80 + 50), summary.EnergySnnPicojoulesFinal, 1e-9);
        Assert.Equal(20.0 / (10 * 2 * 4), summary.SpikesPerNeuronPerStep["relu1"], 1e-12);
        Assert.Null(SweepSummary.Of(NormMode.Spike, InputCoding.Poisson, ResetMode.Hard, 1, hard, null, 100).SpeedupOverHard);
    }
}
