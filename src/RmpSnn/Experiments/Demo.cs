using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Evaluation;
using RmpSnn.Models;
using RmpSnn.Snn;
using RmpSnn.Training;
using static TorchSharp.torch;

namespace RmpSnn.Experiments;

/// <summary>
/// The main job on the shipped Fashion-MNIST sample: train the small constrained CNN (or reuse the one in the folder),
/// convert it with the paper's spike-based balancing for soft and hard reset, and simulate both at α = 1 and 0.5 with
/// Poisson input.
/// </summary>
public static class Demo
{
    /// <summary>The dataset the demo uses (it ships with RmpSnn).</summary>
    public const string Dataset = "fashion-mnist-sample";
    /// <summary>The threshold scales simulated.</summary>
    public static readonly IReadOnlyList<double> Alphas = [1.0, 0.5];

    /// <summary>Where the demo keeps its model in <paramref name="folder"/>.</summary>
    public static string ModelPath(string folder) => Path.Combine(folder, "fmnist.model");

    /// <summary>
    /// Runs the demo in <paramref name="folder"/>: <paramref name="epochs"/> of training unless a model is there (or
    /// <paramref name="retrain"/>).
    /// </summary>
    public static SimulationOutcome Run(string folder, int steps, int epochs, bool retrain, Device device,
        IProgress<WorkflowProgress>? progress = null, CancellationToken cancel = default)
    {
        string modelPath = ModelPath(folder);
        var train = new DatasetSelection(Dataset, null, "train");
        var test = new DatasetSelection(Dataset, null, "test");
        if (retrain || !File.Exists(modelPath))
        {
            var spec = new ModelSpec("smallcnn", 0, 0, 0);   // channels, size and classes come from the data
            var options = new TrainerOptions { Epochs = epochs, BatchSize = 64, LearningRate = 0.05, Device = device };
            TrainingWorkflow.Run(new TrainingRequest(spec, train, "test", options, modelPath, Overwrite: true), progress, cancel);
        }
        else progress?.Report(new WorkflowProgress($"reusing {modelPath} (--retrain to train again)"));
        // the demo owns its thresholds file: one from an earlier version or an earlier model is converted again
        var conversion = new ConvertStep.Plan(new BalancingOptions(NormMode.Spike), [ResetMode.Soft, ResetMode.Hard]);
        return SimulationWorkflow.Run(new SimulationRequest(modelPath, modelPath + ".snn.json", test, () => conversion,
            conversion.Resets, Alphas, new SimulationOptions(steps), new ExecutionOptions(), ReplaceStaleConversion: true), device, progress, cancel);
    }
}
