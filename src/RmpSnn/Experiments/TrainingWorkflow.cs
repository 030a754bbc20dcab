using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Training;
using TorchSharp;

namespace RmpSnn.Experiments;

/// <summary>What <c>rmpsnn train</c> asks for.</summary>
/// <param name="Spec">The architecture; with <paramref name="InitPath"/> only its activation and levels are used.</param>
/// <param name="Data">The training images (the dataset defaults to the init model's).</param>
/// <param name="EvalSplit">Split evaluated after each epoch: <c>test</c>, <c>val</c> or <c>none</c>.</param>
/// <param name="Options">Optimiser, schedule, checkpoint and resume settings (the checkpoint goes next to <paramref name="OutPath"/>).</param>
/// <param name="OutPath">The model file to write.</param>
/// <param name="InitPath">A model whose weights (and architecture options, dataset, normalisation) the training starts from.</param>
/// <param name="AugmentationOff">Train without the dataset's augmentation.</param>
/// <param name="Overwrite">Replace an existing <paramref name="OutPath"/> (a resumed run may always finish its own file).</param>
/// <param name="TeacherPath">A model to distil from (<see cref="Distillation"/>), or null for plain cross-entropy.</param>
/// <param name="DistillWeight">The distillation term's weight w in [0, 1].</param>
/// <param name="DistillTemperature">The softmax temperature τ of the distillation term.</param>
public sealed record TrainingRequest(ModelSpec Spec, DatasetSelection Data, string EvalSplit, TrainerOptions Options, string OutPath,
    string? InitPath = null, bool AugmentationOff = false, bool Overwrite = false, string? TeacherPath = null,
    double DistillWeight = 0.5, double DistillTemperature = 4);

/// <summary>What a training run produced.</summary>
/// <param name="Info">The header written with the model.</param>
/// <param name="History">Per-epoch loss, accuracy and time.</param>
/// <param name="TrainImages">Name and size of the training images.</param>
/// <param name="EvalImages">Name and size of the images evaluated each epoch, or null.</param>
public sealed record TrainingOutcome(ModelInfo Info, TrainingHistory History, (string Name, int Count) TrainImages,
    (string Name, int Count)? EvalImages);

/// <summary>The train workflow: from scratch or from another model's weights (QCFS fine-tuning), then the model file.</summary>
public static class TrainingWorkflow
{
    /// <summary>Runs <paramref name="request"/>; writes the model file atomically and a checkpoint after every epoch.</summary>
    public static TrainingOutcome Run(TrainingRequest request, IProgress<WorkflowProgress>? progress = null, CancellationToken cancel = default)
    {
        (request.Options with { CheckpointPath = request.OutPath + ".ckpt" }).Validate();   // before any data is loaded
        if (request.TeacherPath is not null) Distillation.ValidateSettings(request.DistillWeight, request.DistillTemperature);
        if (Directory.Exists(request.OutPath)) throw new RmpSnnException($"{request.OutPath}: is a folder; --out names the model file to write");
        if (File.Exists(request.OutPath) && !request.Overwrite && !request.Options.Resume)
            throw new RmpSnnException($"{request.OutPath}: exists; pass --force to replace it (or --resume to continue its run)");
        var device = request.Options.Device;
        Network? source = null;
        ModelInfo? sourceInfo = null;
        if (request.InitPath is { } initPath) (source, sourceInfo) = ModelFile.Load(initPath, device);
        using var _ = source;
        var (teacher, teacherInfo) = request.TeacherPath is { } teacherPath ? ModelFile.Load(teacherPath, device) : default;
        using var __ = teacher;
        var selection = request.Data with { Validation = Math.Max(request.Data.Validation, 0) };
        var train = selection.Load();
        var test = request.EvalSplit == "none" ? null : (selection with { Split = request.EvalSplit, Limit = 0 }).Load();
        var spec = request.Spec with { InChannels = train.Channels, ImageSize = train.Height, Classes = train.Classes };
        var normalization = DatasetCatalog.DefaultNormalization(selection.Dataset);
        if (sourceInfo is not null)
            (spec, normalization) = (sourceInfo.Spec with { Activation = spec.Activation, QuantLevels = spec.QuantLevels }, sourceInfo.Normalization);
        var network = ModelZoo.Create(spec, request.Options.Seed);
        network.to(device);
        if (source is not null && !request.Options.Resume)
        {
            progress?.Report(new WorkflowProgress($"copying weights from {request.InitPath}"));
            InitialWeights.Copy(source, network, train.Take(InitialWeights.CalibrationImages), normalization, device);
        }
        if (teacherInfo is not null && !teacherInfo.Normalization.SameAs(normalization))
            throw new RmpSnnException($"--teacher {request.TeacherPath}: normalises its inputs with {teacherInfo.Normalization}, " +
                $"the trained network with {normalization}; the teacher must see the same inputs");
        var options = request.Options with
        {
            CheckpointPath = request.OutPath + ".ckpt",
            Augmentation = request.AugmentationOff ? null : DatasetCatalog.DefaultAugmentation(selection.Dataset),
            Distillation = teacher is null ? null
                : new Distillation(teacher, Path.GetFileName(request.TeacherPath!), request.DistillWeight, request.DistillTemperature),
        };
        string stage = $"training {spec.Arch} on {train.Name} ({train.Count} images), evaluating on {test?.Name ?? "nothing"} ({test?.Count ?? 0})";
        progress?.Report(new WorkflowProgress(stage));
        var history = Trainer.Train(network, train, test, normalization, options, progress is null ? null : new Reporter<TrainingProgress>(p =>
        {
            double done = p.Completed is null ? (p.Epoch - 1) * (double)p.Batches + p.Batch : p.Epoch * (double)Math.Max(p.Batches, 1);
            if (p.Batches > 0)
                progress.Report(new WorkflowProgress(stage, done, p.Epochs * (double)p.Batches,
                    $"epoch {p.Epoch}/{p.Epochs} loss {p.Loss:F3} acc {100 * p.Accuracy:F1}% {p.ImagesPerSecond:F0} img/s"));
        }), cancel);
        var info = new ModelInfo(spec, normalization, selection.Dataset, history.Epochs[^1].TestAccuracy, history.Epochs.Count,
            Metadata: new Dictionary<string, string>
            {
                ["val"] = selection.Validation.ToString(), ["valSeed"] = selection.ValidationSeed.ToString(), ["evalSplit"] = request.EvalSplit,
                ["init"] = request.InitPath ?? "none",
                ["teacher"] = options.Distillation?.Describe() ?? "none",
            });
        using (network) ModelFile.Save(request.OutPath, network, info);
        return new TrainingOutcome(info, history, (train.Name, train.Count), test is null ? null : (test.Name, test.Count));
    }
}
