using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Evaluation;

/// <summary>One simulated configuration: reset mode and threshold scale α.</summary>
public sealed record SnnConfiguration(ResetMode Reset, double Alpha)
{
    /// <summary>Report label, e.g. <c>soft α=0.8</c>.</summary>
    public string Label => $"{Reset.ToString().ToLowerInvariant()} α={Alpha.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>Simulates several configurations of one converted model side by side on the same images and input spikes.</summary>
public static class ConversionExperiment
{
    /// <summary>
    /// Compiles the converted model once for the simulation's engine, configures one SNN per configuration (sharing its
    /// weights) and simulates them together.
    /// </summary>
    public static IReadOnlyList<SimulationResult> Run(Network ann, ModelInfo info, BalancedThresholds converted, string convertedPath,
        ImageDataset images, IReadOnlyList<SnnConfiguration> configurations, NeuronOptions neurons, SimulationOptions simulation,
        ExecutionOptions execution, Device device, IProgress<SimulationProgress>? progress = null, CancellationToken cancel = default)
    {
        if (configurations.Count == 0) throw new RmpSnnException("--reset/--alpha: expected at least one configuration");
        if (images.Channels != info.Spec.InChannels || images.Height != info.Spec.ImageSize || images.Classes != info.Spec.Classes)
            throw new RmpSnnException($"{images.Name}: images are {images.Channels}×{images.Height}×{images.Width} with {images.Classes} classes " +
                $"but the model expects {info.Spec.InChannels}×{info.Spec.ImageSize}×{info.Spec.ImageSize} with {info.Spec.Classes}");
        using var compiled = ConversionPipeline.Compile(ann, info.Normalization, converted, neurons, execution.Engine, device);
        var networks = configurations.Select(c => (c.Label,
            ConversionPipeline.Configure(compiled, converted, convertedPath, neurons with { Reset = c.Reset }, c.Alpha))).ToArray();
        try
        {
            return Simulator.Run(networks, images, simulation, execution, device, progress, cancel);
        }
        finally
        {
            foreach (var (_, network) in networks) network.Dispose();
        }
    }
}
