using System.CommandLine;
using System.Text.Json;
using RmpSnn.Cli;
using RmpSnn.Cli.Commands;
using RmpSnn.Models;
using RmpSnn.Tests.Data;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Import;

/// <summary>
/// Checkpoints written by PyTorch itself (the experiments/make_*.py scripts, run with Debian's python3-torch) import with
/// PyTorch's logits, from both the legacy (.th) and the zip (.pt) format. Needs python3-torch: without it these tests
/// fail (test.sh installs it), so the check never silently disappears.
/// </summary>
public sealed class PyTorchLogitsTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void DeeperCifarResNetsImportWithPyTorchsLogits() =>
        CheckLogits("make_cifar_resnets.py", ["32", "44", "56"], [("resnet32", "resnet32"), ("resnet44", "resnet44"), ("resnet56", "resnet56")]);

    [Fact]
    public void TorchvisionResNet18ImportsWithPyTorchsLogits() =>
        CheckLogits("make_torchvision_resnets.py", ["18"], [("resnet18", "resnet18")], "--maxpool", "--image-size", "80", "--dataset", "imagefolder");

    [Fact]
    public void VggWithBatchNormAndConvBiasImportsWithPyTorchsLogits() =>
        CheckLogits("make_vgg_bn.py", [], [("vgg9_bn", "vgg9")], "--maxpool");

    /// <summary>
    /// Runs the script into a temp folder, imports each (checkpoint stem, arch) from both formats and compares the
    /// logits in logits.json.
    /// </summary>
    private void CheckLogits(string script, string[] scriptArgs, (string Stem, string Arch)[] models, params string[] importArgs)
    {
        PythonTorch.RunScript(ImportTestFiles.Experiment(script), [folder.Path, .. scriptArgs]);
        using var json = JsonDocument.Parse(File.ReadAllText(folder.File("logits.json")));
        long[] shape = json.RootElement.GetProperty("input_shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        using var input = tensor(PythonTorch.Floats(json.RootElement.GetProperty("input"))).view(shape);

        foreach (var (stem, arch) in models)
        {
            using var expected = tensor(PythonTorch.Floats(json.RootElement.GetProperty("logits").GetProperty(arch))).view(shape[0], -1);
            foreach (string format in new[] { "th", "pt" })
            {
                string model = folder.File($"{stem}-{format}.model");
                int code = CliRunner.Invoke(new RootCommand { ImportCommand.Create() },
                    ["import", folder.File($"{stem}.{format}"), "--arch", arch, "--out", model, "--mean", "0", "0", "0", "--std", "1", "1", "1",
                     .. importArgs, .. importArgs.Contains("--dataset") ? Array.Empty<string>() : ["--dataset", "cifar10"]]);
                Assert.Equal(CliRunner.Ok, code);
                var (network, _) = ModelFile.Load(model, CPU);
                using (network)
                using (no_grad())
                {
                    network.eval();
                    using var logits = network.call(input);
                    double diff = (logits - expected).abs().max().item<float>();
                    output.WriteLine($"{stem}.{format}: max |RmpSnn − PyTorch| = {diff:G2}, max |logit| = {expected.abs().max().item<float>():G3}");
                    Assert.True(diff < 1e-4, $"{stem}.{format}: max |RmpSnn − PyTorch| = {diff}");
                }
            }
        }
    }
}
