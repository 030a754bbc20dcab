using RmpSnn.Experiments;
using TorchSharp;
using System.CommandLine;
using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Training;
using Spectre.Console;

namespace RmpSnn.Cli.Commands;

/// <summary><c>rmpsnn train</c>: train an ANN from the model zoo and save it as a model file.</summary>
public static class TrainCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var command = new Command("train", """
            Train a (by default constrained: no BN, no bias, average pooling, dropout) ANN and save it as a model file.
            A checkpoint is written after every epoch; --resume continues a killed run.

            Examples:
              rmpsnn train --dataset fashion-mnist-sample --arch smallcnn --epochs 3 --out out/fmnist.model
              rmpsnn train --dataset cifar10 --arch resnet20 --epochs 40 --val 5000 --out out/resnet20.model
              rmpsnn train --dataset cifar10 --arch resnet20 --epochs 40 --val 5000 --out out/resnet20.model --resume
              rmpsnn train --init out/resnet20.model --activation qcfs --levels 8 --epochs 6 --lr 0.01 --out out/resnet20-qcfs.model
            """);
        var data = new DataOptions("train");
        var device = new DeviceOptions();
        var arch = new Option<string>("--arch") { Description = $"Architecture: {string.Join(", ", ModelZoo.Architectures.Select(a => a.Name))}", DefaultValueFactory = _ => "smallcnn" };
        var output = new Option<string>("--out", "-o") { Description = "Model file to write", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch") { Description = "Mini-batch size", DefaultValueFactory = _ => 128 };
        var lr = new Option<double>("--lr") { Description = "Initial learning rate (SGD, momentum 0.9)", DefaultValueFactory = _ => 0.05 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 weight decay", DefaultValueFactory = _ => 5e-4 };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate schedule: cosine or step", DefaultValueFactory = _ => "cosine" };
        schedule.AcceptOnlyFromAmong("cosine", "step");
        var smoothing = new Option<double>("--label-smoothing") { Description = "Label smoothing in [0, 1)" };
        var dropout = new Option<double>("--dropout") { Description = "Dropout probability", DefaultValueFactory = _ => 0.2 };
        var batchNorm = new Option<bool>("--batchnorm") { Description = "Unconstrained: BatchNorm after each conv (folded at conversion)" };
        var bias = new Option<bool>("--bias") { Description = "Unconstrained: biases in conv/linear layers" };
        var maxPool = new Option<bool>("--maxpool") { Description = "Unconstrained: max-pooling instead of average pooling (converted with --maxpool gate or avg)" };
        var activation = new Option<string>("--activation") { Description = "Hidden activation: relu, or qcfs (quantised clip, for low-latency conversion)", DefaultValueFactory = _ => "relu" };
        activation.AcceptOnlyFromAmong("relu", "qcfs");
        var levels = new Option<int>("--levels") { Description = "Quantisation levels L of --activation qcfs", DefaultValueFactory = _ => 8 };
        levels.Validators.Add(r => ConversionOptionsBinder.Positive(r, "--levels"));
        var init = new Option<string?>("--init") { Description = "Start from this model's weights; its architecture options, dataset and normalisation are used, only --activation/--levels may differ" };
        var noAugment = new Option<bool>("--no-augment") { Description = "Switch off the dataset's train-time augmentation" };
        var seed = new Option<int>("--seed") { Description = "Seed for weights, shuffling, augmentation and the --val carve-out" };
        var resume = new Option<bool>("--resume") { Description = "Continue from the checkpoint (<out>.ckpt) of an interrupted run" };
        var testSplit = new Option<string>("--eval-split") { Description = "Split evaluated after each epoch: test, val or none", DefaultValueFactory = _ => "test" };
        testSplit.AcceptOnlyFromAmong("test", "val", "none");
        foreach (var o in new Option[] { arch, output, epochs, batch, lr, weightDecay, schedule, smoothing, dropout, batchNorm, bias, maxPool, activation, levels, init, noAugment, seed, resume, testSplit })
            command.Options.Add(o);
        data.AddTo(command);
        device.AddTo(command);

        CliRunner.SetAction(command, (parse, cancel) =>
        {
            var dev = device.Resolve(parse);
            string? initPath = parse.GetValue(init);
            if (initPath is not null && new Option[] { arch, batchNorm, bias, maxPool, dropout }.FirstOrDefault(o => ConversionOptionsBinder.Given(parse, o)) is { } given)
                throw new RmpSnnException($"{given.Name}: architecture options come from the --init model {initPath}; drop {given.Name}");
            var source = initPath is null ? null : ((Network Network, ModelInfo Info)?)ModelFile.Load(initPath, dev);
            var selection = data.Selection(parse, source?.Info.Dataset, seed: parse.GetValue(seed)) with { Split = "train" };
            if (selection.Validation < 0) selection = selection with { Validation = 0 };
            var train = selection.Load();
            string evalSplit = parse.GetValue(testSplit)!;
            var test = evalSplit == "none" ? null : selection with { Split = evalSplit, Limit = 0 };
            var testSet = test?.Load();
            var normalization = DatasetCatalog.DefaultNormalization(selection.Dataset);
            var spec = new ModelSpec(parse.GetValue(arch)!, train.Channels, train.Height, train.Classes,
                parse.GetValue(batchNorm), parse.GetValue(bias), parse.GetValue(maxPool), parse.GetValue(dropout),
                Activation: parse.GetValue(activation)!, QuantLevels: parse.GetValue(levels));
            if (source is var (_, initInfo))
                (spec, normalization) = (initInfo.Spec with { Activation = spec.Activation, QuantLevels = spec.QuantLevels }, initInfo.Normalization);
            var network = ModelZoo.Create(spec, parse.GetValue(seed));
            network.to(dev);
            if (source is var (initNetwork, _))
                using (initNetwork)
                    if (!parse.GetValue(resume))
                        AnsiConsole.Status().Start($"Copying weights from {Markup.Escape(initPath!)}…",
                            _ => InitialWeights.Copy(initNetwork, network, train.Take(InitialWeights.CalibrationImages), normalization, dev));
            string outPath = parse.GetValue(output)!;
            var options = new TrainerOptions
            {
                Epochs = parse.GetValue(epochs), BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr),
                WeightDecay = parse.GetValue(weightDecay), Schedule = parse.GetValue(schedule) == "step" ? LrSchedule.Step : LrSchedule.Cosine,
                LabelSmoothing = parse.GetValue(smoothing), Seed = parse.GetValue(seed), Device = dev,
                CheckpointPath = outPath + ".ckpt", Resume = parse.GetValue(resume),
                Augmentation = parse.GetValue(noAugment) ? null : DatasetCatalog.DefaultAugmentation(selection.Dataset),
            };
            AnsiConsole.MarkupLine($"Training [bold]{spec.Arch}[/] on {train.Name} ({train.Count} images), evaluating on {testSet?.Name ?? "nothing"} ({testSet?.Count ?? 0})");
            var history = Train(network, train, testSet, normalization, options, cancel);
            var last = history.Epochs[^1];
            ModelFile.Save(outPath, network, new ModelInfo(spec, normalization, selection.Dataset, last.TestAccuracy, history.Epochs.Count,
                Metadata: new Dictionary<string, string> { ["val"] = selection.Validation.ToString(), ["valSeed"] = selection.ValidationSeed.ToString(), ["evalSplit"] = evalSplit, ["init"] = initPath ?? "none" }));
            ShowHistory(history, evalSplit);
            AnsiConsole.MarkupLine($"Saved [green]{Markup.Escape(outPath)}[/]");
            return CliRunner.Ok;
        });
        return command;
    }

    /// <summary>Trains under a progress bar; shared with <c>demo</c>.</summary>
    internal static TrainingHistory Train(Network network, ImageDataset train, ImageDataset? test, Normalization normalization,
        TrainerOptions options, CancellationToken cancel) =>
        ConsoleProgress.Run("training", update =>
        {
            var progress = new ConsoleProgress.Callback<TrainingProgress>(p =>
            {
                double done = p.Completed is null ? (p.Epoch - 1) * (double)p.Batches + p.Batch : p.Epoch * (double)Math.Max(p.Batches, 1);
                if (p.Batches > 0)
                    update(done, p.Epochs * (double)p.Batches,
                        $"epoch {p.Epoch}/{p.Epochs} loss {p.Loss:F3} acc {100 * p.Accuracy:F1}% {p.ImagesPerSecond:F0} img/s");
            });
            return Trainer.Train(network, train, test, normalization, options, progress, cancel);
        });

    static void ShowHistory(TrainingHistory history, string evalSplit)
    {
        var table = new Table().AddColumns("epoch", "lr", "loss", "train acc %", $"{evalSplit} acc %", "seconds");
        foreach (var e in history.Epochs)
            table.AddRow($"{e.Epoch}", $"{e.LearningRate:G3}", $"{e.Loss:F4}", $"{100 * e.TrainAccuracy:F2}",
                e.TestAccuracy is { } t ? $"{100 * t:F2}" : "-", $"{e.Seconds:F0}");
        AnsiConsole.Write(table);
    }
}
