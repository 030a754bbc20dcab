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
              rmpsnn train --init out/resnet20.model --teacher out/resnet20.model --activation qcfs --levels 4 --out out/resnet20-qcfs4.model
            """);
        var data = new DataOptions("train");
        var device = new DeviceOptions();
        var arch = new Option<string>("--arch")
        {
            Description = $"Architecture: {string.Join(", ", ModelZoo.Architectures.Select(a => a.Name))}",
            DefaultValueFactory = _ => "smallcnn",
        };
        var output = new Option<string>("--out", "-o") { Description = "Model file to write", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch") { Description = "Mini-batch size", DefaultValueFactory = _ => 128 };
        var lr = new Option<double>("--lr") { Description = "Initial learning rate (SGD, momentum 0.9)", DefaultValueFactory = _ => 0.05 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 weight decay", DefaultValueFactory = _ => 5e-4 };
        var schedule = new Option<string>("--schedule")
        {
            Description = "Learning-rate schedule: cosine or step",
            DefaultValueFactory = _ => "cosine",
        };
        schedule.AcceptOnlyFromAmong("cosine", "step");
        var smoothing = new Option<double>("--label-smoothing") { Description = "Label smoothing in [0, 1)" };
        var dropout = new Option<double>("--dropout") { Description = "Dropout probability", DefaultValueFactory = _ => 0.2 };
        var batchNorm = new Option<bool>("--batchnorm") { Description = "Unconstrained: BatchNorm after each conv (folded at conversion)" };
        var bias = new Option<bool>("--bias") { Description = "Unconstrained: biases in conv/linear layers" };
        var maxPool = new Option<bool>("--maxpool")
        {
            Description = "Unconstrained: max-pooling instead of average pooling (converted with --maxpool gate or avg)",
        };
        var activation = new Option<string>("--activation")
        {
            Description = "Hidden activation: relu, or qcfs (quantised clip, for low-latency conversion)",
            DefaultValueFactory = _ => "relu",
        };
        activation.AcceptOnlyFromAmong("relu", "qcfs");
        var levels = new Option<int>("--levels") { Description = "Quantisation levels L of --activation qcfs", DefaultValueFactory = _ => 8 };
        levels.Validators.Add(r => ConversionOptionsBinder.Positive(r, "--levels"));
        var init = new Option<string?>("--init")
        {
            Description = "Start from this model's weights; its architecture options, dataset and normalisation are used, " +
                "only --activation/--levels may differ",
        };
        var teacher = new Option<string?>("--teacher")
        {
            Description = "Distil from this trained model (e.g. the --init ReLU network when fine-tuning QCFS): " +
                "loss (1 - w)·CE + w·τ²·KL(teacher ‖ student) at temperature τ",
        };
        var distillWeight = new Option<double>("--distill-weight") { Description = "w of --teacher, in [0, 1]", DefaultValueFactory = _ => 0.5 };
        var distillTemperature = new Option<double>("--distill-temperature") { Description = "τ of --teacher", DefaultValueFactory = _ => 4 };
        var noAugment = new Option<bool>("--no-augment") { Description = "Switch off the dataset's train-time augmentation" };
        var seed = new Option<int>("--seed") { Description = "Seed for weights, shuffling, augmentation and the --val carve-out" };
        var resume = new Option<bool>("--resume") { Description = "Continue from the checkpoint (<out>.ckpt) of an interrupted run" };
        var force = new Option<bool>("--force") { Description = "Replace --out if it exists" };
        var testSplit = new Option<string>("--eval-split")
        {
            Description = "Split evaluated after each epoch: test, val or none",
            DefaultValueFactory = _ => "test",
        };
        testSplit.AcceptOnlyFromAmong("test", "val", "none");
        foreach (var o in new Option[] { arch, output, epochs, batch, lr, weightDecay, schedule, smoothing, dropout, batchNorm, bias, maxPool,
            activation, levels, init, teacher, distillWeight, distillTemperature, noAugment, seed, resume, testSplit, force })
            command.Options.Add(o);
        data.AddTo(command);
        device.AddTo(command);

        CliRunner.SetAction(command, (parse, cancel) =>
        {
            string? initPath = parse.GetValue(init);
            if (initPath is not null
                && new Option[] { arch, batchNorm, bias, maxPool, dropout }.FirstOrDefault(o => ConversionOptionsBinder.Given(parse, o)) is { } given)
                throw new RmpSnnException($"{given.Name}: architecture options come from the --init model {initPath}; drop {given.Name}");
            string? initDataset = initPath is null ? null : ModelFile.ReadInfo(initPath).Dataset;
            var selection = data.Selection(parse, initDataset, seed: parse.GetValue(seed)) with { Split = "train" };
            var spec = new ModelSpec(parse.GetValue(arch)!, 0, 0, 0, parse.GetValue(batchNorm), parse.GetValue(bias), parse.GetValue(maxPool),
                parse.GetValue(dropout), Activation: parse.GetValue(activation)!, QuantLevels: parse.GetValue(levels));
            var options = new TrainerOptions
            {
                Epochs = parse.GetValue(epochs), BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr),
                WeightDecay = parse.GetValue(weightDecay), Schedule = parse.GetValue(schedule) == "step" ? LrSchedule.Step : LrSchedule.Cosine,
                LabelSmoothing = parse.GetValue(smoothing), Seed = parse.GetValue(seed), Device = device.Resolve(parse),
                Resume = parse.GetValue(resume),
            };
            string outPath = parse.GetValue(output)!, evalSplit = parse.GetValue(testSplit)!;
            string? teacherPath = parse.GetValue(teacher);
            if (teacherPath is null && new Option[] { distillWeight, distillTemperature }.FirstOrDefault(o => ConversionOptionsBinder.Given(parse, o)) is { } orphan)
                throw new RmpSnnException($"{orphan.Name}: only applies with --teacher");
            var request = new TrainingRequest(spec, selection, evalSplit, options, outPath, initPath, parse.GetValue(noAugment),
                parse.GetValue(force), teacherPath, parse.GetValue(distillWeight), parse.GetValue(distillTemperature));
            var outcome = ConsoleProgress.Workflow(progress => TrainingWorkflow.Run(request, progress, cancel));
            ShowHistory(outcome.History, evalSplit);
            AnsiConsole.MarkupLine($"Saved [green]{Markup.Escape(outPath)}[/]");
            return CliRunner.Ok;
        });
        return command;
    }

    static void ShowHistory(TrainingHistory history, string evalSplit)
    {
        var table = new Table().AddColumns("epoch", "lr", "loss", "train acc %", $"{evalSplit} acc %", "seconds");
        foreach (var e in history.Epochs)
            table.AddRow($"{e.Epoch}", $"{e.LearningRate:G3}", $"{e.Loss:F4}", $"{100 * e.TrainAccuracy:F2}",
                e.TestAccuracy is { } t ? $"{100 * t:F2}" : "-", $"{e.Seconds:F0}");
        AnsiConsole.Write(table);
    }
}
