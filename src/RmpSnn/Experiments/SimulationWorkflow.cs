using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Evaluation;
using RmpSnn.Models;
using RmpSnn.Snn;
using RmpSnn.Training;
using static TorchSharp.torch;

namespace RmpSnn.Experiments;

/// <summary>What <c>rmpsnn simulate</c> asks for; a null choice takes the converted model's default.</summary>
/// <param name="ModelPath">The model file.</param>
/// <param name="ConvertedPath">Its converted model (thresholds); converted first with <paramref name="Conversion"/> if missing.</param>
/// <param name="Images">The images to simulate; the conversion calibrates on the same dataset's training split.</param>
/// <param name="Conversion">How to convert when <paramref name="ConvertedPath"/> does not exist yet (called only then).</param>
/// <param name="Resets">Reset modes; null: soft and hard, or soft only for QCFS, searched and calibrated thresholds.</param>
/// <param name="Alphas">Threshold scales α.</param>
/// <param name="Simulation">Steps and seed; <see cref="SimulationOptions.Encoding"/> is replaced by <paramref name="Encoding"/>.</param>
/// <param name="Execution">Batching, chunking, memory budget and engine.</param>
/// <param name="Encoding">Input coding; null: the converted model's (direct for QCFS, else Poisson).</param>
/// <param name="InitialPotential">V(0) as a fraction of V_th; null: the converted model's (0.5 for QCFS, else 0).</param>
/// <param name="ResetPotential">Hard-reset potential as a fraction of V_th.</param>
/// <param name="Signed">Simulate signed neurons (<see cref="NeuronOptions.Signed"/>) or not; null: as the converted model was calibrated.</param>
/// <param name="MaxBurst">Γ of burst neurons (<see cref="NeuronOptions.MaxBurst"/>; 1: none); null: as the converted model was calibrated.</param>
/// <param name="ReplaceStaleConversion">
/// Convert again when <paramref name="ConvertedPath"/> does not fit the model (for its owner, e.g. the demo).
/// </param>
public sealed record SimulationRequest(string ModelPath, string ConvertedPath, DatasetSelection Images, Func<ConvertStep.Plan> Conversion,
    IReadOnlyList<ResetMode>? Resets, IReadOnlyList<double> Alphas, SimulationOptions Simulation, ExecutionOptions Execution,
    InputCoding? Encoding = null, float? InitialPotential = null, float ResetPotential = 0f, bool ReplaceStaleConversion = false,
    bool? Signed = null, int? MaxBurst = null);

/// <summary>What a simulation run produced, with the choices it resolved.</summary>
/// <param name="Info">The model file's header.</param>
/// <param name="Converted">The converted model used.</param>
/// <param name="ConvertedNow">Whether it was converted in this run (else it was loaded).</param>
/// <param name="Images">The simulated images (one shard of the selection when it asks for one).</param>
/// <param name="Simulation">What was simulated.</param>
/// <param name="Execution">How it ran.</param>
/// <param name="Neurons">The neuron options used (each configuration sets its own reset mode).</param>
/// <param name="AnnCorrect">Images the ANN classifies correctly (top-1).</param>
/// <param name="Results">One result per configuration (reset mode × α).</param>
/// <param name="DatasetName">The selection's name, without the shard.</param>
/// <param name="TotalImages">Images of the whole selection (all shards).</param>
public sealed record SimulationOutcome(ModelInfo Info, BalancedThresholds Converted, bool ConvertedNow, ImageDataset Images,
    SimulationOptions Simulation, ExecutionOptions Execution, NeuronOptions Neurons, long AnnCorrect, IReadOnlyList<SimulationResult> Results,
    string DatasetName, int TotalImages)
{
    /// <summary>The ANN's top-1 accuracy on the simulated images, in percent.</summary>
    public double AnnAccuracy => 100 * ((double)AnnCorrect / Images.Count);
}

/// <summary>The simulate workflow: load the model, convert it if needed, measure the ANN and simulate every configuration.</summary>
public static class SimulationWorkflow
{
    /// <summary>Runs <paramref name="request"/> on <paramref name="device"/>.</summary>
    public static SimulationOutcome Run(SimulationRequest request, Device device, IProgress<WorkflowProgress>? progress = null,
        CancellationToken cancel = default)
    {
        new NeuronOptions(ResetMode.Soft, request.ResetPotential, request.InitialPotential ?? 0).Validate();   // before any work
        request.Simulation.Validate();
        request.Execution.Validate();
        var (ann, info) = ModelFile.Load(request.ModelPath, device);
        using (ann)
        {
            var (converted, created) = ConvertStep.LoadOrConvert(request.ConvertedPath, request.ModelPath, ann, info,
                request.Images with { Split = "train", Limit = 0, Shard = null }, request.Conversion, device, progress, request.ReplaceStaleConversion);
            var resets = request.Resets ?? (converted.Norm is NormMode.Qcfs or NormMode.Search or NormMode.Calibrated
                ? [ResetMode.Soft] : [ResetMode.Soft, ResetMode.Hard]);
            var configurations = resets.SelectMany(r => request.Alphas.Distinct().Select(a => new SnnConfiguration(r, a))).ToArray();
            var simulation = request.Simulation with { Encoding = request.Encoding ?? converted.SimulationEncoding };
            var neurons = new NeuronOptions(ResetMode.Soft, request.ResetPotential,
                request.InitialPotential ?? converted.InitialPotential, request.Signed ?? converted.Signed,
                request.MaxBurst ?? converted.MaxBurst).Validate();
            var whole = (request.Images with { Shard = null }).Load();
            var images = request.Images.Shard is { } shard ? shard.Of(whole) : whole;
            progress?.Report(new WorkflowProgress($"evaluating the ANN on {images.Count} images"));
            long annCorrect = Evaluator.Correct(ann, images, info.Normalization, request.Execution.BatchSize, device);
            var results = Simulate(ann, info, converted, request.ConvertedPath, images, configurations, neurons, simulation, request.Execution,
                device, progress, cancel);
            return new SimulationOutcome(info, converted, created, images, simulation, request.Execution, neurons, annCorrect, results,
                whole.Name, whole.Count);
        }
    }

    /// <summary>Simulates <paramref name="configurations"/> of one converted model side by side, reporting images done.</summary>
    public static IReadOnlyList<SimulationResult> Simulate(Network ann, ModelInfo info, BalancedThresholds converted, string convertedPath,
        ImageDataset images, IReadOnlyList<SnnConfiguration> configurations, NeuronOptions neurons, SimulationOptions simulation,
        ExecutionOptions execution, Device device, IProgress<WorkflowProgress>? progress, CancellationToken cancel)
    {
        string stage = $"simulating {configurations.Count} SNN(s) × {simulation.Steps} steps";
        progress?.Report(new WorkflowProgress(stage));
        var perImage = progress is null ? null : new Reporter<SimulationProgress>(p =>
            progress.Report(new WorkflowProgress(stage, p.SamplesDone, p.SamplesTotal, $"{p.SamplesDone}/{p.SamplesTotal} images")));
        return ConversionExperiment.Run(ann, info, converted, convertedPath, images, configurations, neurons, simulation, execution, device,
            perImage, cancel);
    }
}
