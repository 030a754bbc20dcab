using System.CommandLine;
using RmpSnn.Data;
using RmpSnn.Import;
using RmpSnn.Import.Onnx;
using RmpSnn.Models;
using Spectre.Console;

namespace RmpSnn.Cli.Commands;

/// <summary><c>rmpsnn import CHECKPOINT</c>: PyTorch weights → RmpSnn model file.</summary>
public static class ImportCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var command = new Command("import", $"""
            Import a network and save it as a model file, from
            - an ONNX model (.onnx) of any CNN built from the operations in docs/INTEROP.md: its graph, weights, input size
              and classes come from the file (no --arch), or
            - a PyTorch checkpoint (torch.save zip or legacy file, or .safetensors) of an RmpSnn architecture (--arch).
              BatchNorm, bias, shortcut option, input channels and classes are read off the checkpoint's keys and shapes;
              the options below override them. Every key and shape must match the architecture exactly. Supported:
              {string.Join(", ", CheckpointImporter.Architectures)} (ResNets with akamaster/pytorch_resnet_cifar10 names,
              VGGs with features.N/classifier.N names).

            Examples:
              rmpsnn import mobilenet.onnx --dataset cifar10 --out out/mobilenet.model
              rmpsnn import resnet20-12fca82f.th --arch resnet20 --dataset cifar10 --out out/resnet20-pretrained.model \
                --mean 0.485 0.456 0.406 --std 0.229 0.224 0.225
              rmpsnn eval out/resnet20-pretrained.model
            """);
        var checkpoint = new Argument<string>("SOURCE") { Description = "ONNX model (.onnx) or PyTorch checkpoint (.th, .pt, .pth, .safetensors)" };
        var arch = new Option<string?>("--arch")
        {
            Description = $"Architecture of a PyTorch checkpoint: {string.Join(", ", CheckpointImporter.Architectures)}",
        };
        var dataset = new Option<string>("--dataset") { Description = "Dataset the weights were trained on", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Model file to write", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace --out if it exists" };
        var batchNorm = new Option<bool?>("--batchnorm")
        {
            Description = "BatchNorm after each conv (default: if the checkpoint has running_mean entries)",
        };
        var bias = new Option<bool?>("--bias") { Description = "Biases in layers without BatchNorm (default: if the checkpoint has such biases)" };
        var shortcut = new Option<string?>("--shortcut")
        {
            Description = "ResNet shortcut: A (zero-pad) or B (1x1 conv) (default: B if the checkpoint has shortcut.* keys)",
        };
        dataset.AcceptOnlyFromAmong([.. DatasetCatalog.Names]);
        shortcut.AcceptOnlyFromAmong("A", "B");
        var classes = new Option<int?>("--classes") { Description = "Output classes (default: rows of the last linear weight)" };
        var maxPool = new Option<bool>("--maxpool")
        {
            Description = "The network pools with max-pooling (e.g. torchvision's VGGs), not average pooling",
        };
        var imageSize = new Option<int>("--image-size") { Description = "Input height = width", DefaultValueFactory = _ => 32 };
        var mean = new Option<float[]>("--mean")
        {
            Description = "Per-channel input mean the weights were trained with (default: the dataset's)",
            AllowMultipleArgumentsPerToken = true,
        };
        var std = new Option<float[]>("--std")
        {
            Description = "Per-channel input std (default: the dataset's)",
            AllowMultipleArgumentsPerToken = true,
        };
        command.Arguments.Add(checkpoint);
        foreach (var o in new Option[] { arch, dataset, output, force, batchNorm, bias, shortcut, classes, maxPool, imageSize, mean, std })
            command.Options.Add(o);

        CliRunner.SetAction(command, (parse, _) =>
        {
            string datasetName = parse.GetValue(dataset)!, outPath = parse.GetValue(output)!, sourcePath = parse.GetValue(checkpoint)!;
            if (File.Exists(outPath) && !parse.GetValue(force)) throw new RmpSnnException($"{outPath}: exists; pass --force to replace it");
            float[] meanValues = parse.GetValue(mean) ?? [], stdValues = parse.GetValue(std) ?? [];
            Models.Network network;
            Dictionary<string, string> provenance;
            string summary;
            if (string.Equals(Path.GetExtension(sourcePath), ".onnx", StringComparison.OrdinalIgnoreCase))
            {
                if (new Option[] { arch, batchNorm, bias, shortcut, classes, maxPool, imageSize }
                    .FirstOrDefault(o => ConversionOptionsBinder.Given(parse, o)) is { } given)
                    throw new RmpSnnException($"{given.Name}: an ONNX model brings its own architecture and sizes; drop {given.Name}");
                network = OnnxImporter.Import(sourcePath);
                provenance = SourceFile.Provenance(sourcePath, "onnx");
                summary = $"Imported {network.Graph.Nodes.Count - 1} nodes from ONNX";
            }
            else
            {
                string archName = parse.GetValue(arch)
                    ?? throw new RmpSnnException(
                        $"--arch: needed for a PyTorch checkpoint; expected one of {string.Join(", ", CheckpointImporter.Architectures)}");
                using var source = CheckpointReader.Read(sourcePath);
                var inferred = CheckpointImporter.InferSpec(source, archName, parse.GetValue(imageSize));
                var requested = inferred with
                {
                    BatchNorm = parse.GetValue(batchNorm) ?? inferred.BatchNorm,
                    Bias = parse.GetValue(bias) ?? inferred.Bias,
                    Shortcut = parse.GetValue(shortcut) ?? inferred.Shortcut,
                    Classes = parse.GetValue(classes) ?? inferred.Classes,
                    MaxPool = parse.GetValue(maxPool),
                };
                network = CheckpointImporter.Import(source, requested);
                provenance = CheckpointImporter.Provenance(source);
                summary = $"Imported {source.Tensors.Count} tensors ({source.Format}) into {requested.Arch}, batchnorm={requested.BatchNorm} " +
                    $"bias={requested.Bias} maxpool={requested.MaxPool} shortcut={requested.Shortcut ?? "-"}";
            }
            using (network)
            {
                var spec = network.Spec;
                var normalization = Normalize(meanValues, stdValues, datasetName, spec.InChannels);
                ModelFile.Save(outPath, network, new ModelInfo(spec, normalization, datasetName, Metadata: provenance));
                AnsiConsole.MarkupLine(Markup.Escape($"{summary}: {spec.InChannels}x{spec.ImageSize}x{spec.ImageSize} -> {spec.Classes}"));
                AnsiConsole.MarkupLine(
                    Markup.Escape($"Normalisation: {normalization}") +
                    (meanValues.Length == 0
                        ? " [yellow](the dataset's default; pass --mean/--std if the weights were trained with another)[/]"
                        : ""));
            }
            AnsiConsole.MarkupLine($"Saved [green]{Markup.Escape(outPath)}[/]");
            return CliRunner.Ok;
        });
        return command;
    }

    static Normalization Normalize(float[] mean, float[] std, string dataset, int channels)
    {
        if (mean.Length == 0 && std.Length == 0) return DatasetCatalog.DefaultNormalization(dataset);
        if (mean.Length == 0 || std.Length == 0) throw new RmpSnnException("--mean/--std: give both or neither");
        if (mean.Length != channels || std.Length != channels)
            throw new RmpSnnException($"--mean/--std: expected {channels} values each (one per input channel), got {mean.Length} and {std.Length}");
        if (std.Any(s => !(s > 0 && float.IsFinite(s)))) throw new RmpSnnException("--std: every value must be a positive finite number");
        if (mean.Any(m => !float.IsFinite(m))) throw new RmpSnnException("--mean: every value must be a finite number");
        return new Normalization(mean, std);
    }
}
