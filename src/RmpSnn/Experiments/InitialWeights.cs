using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Graph;
using RmpSnn.Models;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Experiments;

/// <summary>
/// Starts training from another model's weights (<c>rmpsnn train --init</c>), typically to fine-tune a ReLU network
/// into a <see cref="Qcfs"/> one. The two specs may differ only in the activation. When the source has ReLUs and the
/// target QCFS layers, each clip λ starts at the 99.9th percentile of the matching ReLU's non-zero activations on the
/// calibration images, so the quantised network starts close to the ReLU one.
/// </summary>
public static class InitialWeights
{
    /// <summary>Percentile of the ReLU activations that initialises λ.</summary>
    public const double ClipPercentile = 99.9;
    /// <summary>Training images used to initialise λ.</summary>
    public const int CalibrationImages = 500;

    /// <summary>Copies <paramref name="source"/>'s weights into <paramref name="target"/> (both on <paramref name="device"/>).</summary>
    /// <exception cref="RmpSnnException">The specs differ in more than the activation.</exception>
    public static void Copy(Network source, Network target, ImageDataset calibration, Normalization normalization, Device device)
    {
        var expected = source.Spec with { Activation = target.Spec.Activation, QuantLevels = target.Spec.QuantLevels };
        if (expected != target.Spec)
            throw new RmpSnnException($"--init: the model is {source.Spec}, but only the activation may differ from {target.Spec}");
        var from = source.state_dict();
        using (no_grad())
            foreach (var (name, tensor) in target.state_dict())
                if (from.TryGetValue(name, out var value)) tensor.copy_(value);
        if (!target.Spec.IsQcfs || source.Spec.IsQcfs) return;

        using var snn = ConversionPipeline.Compile(source, normalization, new ConversionOptions(), new NeuronOptions(ResetMode.Soft),
            SimulationEngines.DefaultFor(device), device);
        var clips = ThresholdBalancer.Balance(snn, source, calibration, normalization,
            new BalancingOptions(NormMode.ActPct, calibration.Count, Percentile: ClipPercentile), device);
        using var _ = no_grad();
        foreach (var activation in ActivationProbe.Activations(target).OfType<QcfsNode>())
            activation.Qcfs.Lambda.fill_(clips[activation.Name]);
    }
}
