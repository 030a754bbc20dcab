using System.CommandLine;
using System.Text.Json;
using RmpSnn.Cli;
using RmpSnn.Cli.Commands;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Evaluation;
using RmpSnn.Graph;
using RmpSnn.Import.Onnx;
using RmpSnn.Models;
using RmpSnn.Snn;
using RmpSnn.Tests.Data;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Import;

public sealed class OnnxImportTests(OnnxModels models, ITestOutputHelper output) : IClassFixture<OnnxModels>
{
    /// <summary>The networks of experiments/make_onnx_models.py.</summary>
    public static TheoryData<string> Networks => ["bottleneck", "inception", "resnet", "vgg", "resnet18"];

    static int Import(string onnx, string model) => CliRunner.Invoke(new RootCommand { ImportCommand.Create() },
        ["import", onnx, "--dataset", "imagefolder", "--mean", "0", "0", "0", "--std", "1", "1", "1", "--out", model]);

    [Theory]
    [MemberData(nameof(Networks))]
    public void EveryOpsetWithAndWithoutConstantFoldingImportsWithPyTorchsLogits(string name)
    {
        using var input = tensor(models.Input).view(models.InputShape);
        using var expected = tensor(models.Logits[name]).view(models.InputShape[0], -1);
        foreach (int opset in new[] { 11, 13, 17 })
            foreach (string fold in new[] { "fold", "nofold" })
            {
                string stem = $"{name}-op{opset}-{fold}", model = models.File(stem + ".model");
                Assert.Equal(CliRunner.Ok, Import(models.File(stem + ".onnx"), model));
                var (network, info) = ModelFile.Load(model, CPU);
                using (network)
                using (no_grad())
                using (var logits = network.call(input))
                {
                    Assert.Equal((3, 8, 5), (info.Spec.InChannels, info.Spec.ImageSize, info.Spec.Classes));
                    double diff = (logits - expected).abs().max().item<float>();
                    output.WriteLine($"{stem}: max |RmpSnn − PyTorch| = {diff:G2}");
                    Assert.True(diff < 1e-4 * Math.Max(1, expected.abs().max().item<float>()), $"{stem}: max |RmpSnn − PyTorch| = {diff}");
                }
            }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void OnnxRuntimeComputesTheSameLogitsAsTheImportedNetwork(string name)
    {
        using var input = tensor(models.Input).view(models.InputShape);
        foreach (string fold in new[] { "fold", "nofold" })
        {
            string onnx = models.File($"{name}-op13-{fold}.onnx");
            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
            var feed = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(models.Input, [.. models.InputShape.Select(d => (int)d)]);
            using var results = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), feed)]);
            float[] runtime = [.. results.Single().AsEnumerable<float>()];
            using var network = OnnxImporter.Import(onnx);
            using var noGrad = no_grad();
            using var logits = network.call(input);
            using var expected = tensor(runtime).view(logits.shape);
            double diff = (logits - expected).abs().max().item<float>();
            output.WriteLine($"{name}-op13-{fold}: max |RmpSnn − ONNX Runtime| = {diff:G2}");
            Assert.True(diff < 1e-4 * Math.Max(1, expected.abs().max().item<float>()), $"{name}-{fold}: max |RmpSnn − ONNX Runtime| = {diff}");
        }
    }

    [Fact]
    public void NodesAreNamedAfterTheOnnxNodes()
    {
        var network = OnnxImporter.Import(models.File("inception-op13-fold.onnx"));
        using (network)
        {
            var names = network.Graph.Nodes.Select(n => n.Name).ToArray();
            Assert.Contains("stem.0.conv", names);
            Assert.Contains("branch2.0.conv", names);
            Assert.Contains("fc2.gemm", names);
            Assert.IsType<ConcatNode>(Assert.Single(network.Graph.Nodes, n => n.Op == "Concat"));
            Assert.Contains(network.state_dict().Keys, k => k == "branch1.0.conv.weight");
        }
    }

    [Theory]
    // Measured argmax agreement at T = 256 / 1024 / 2048 with V(0) = 0 | with V(0) = V_th/2, on 200 random images:
    [InlineData("bottleneck", 0f)]    // depthwise conv, ReLU6, add without ReLU: 95 / 99.5 / 100 | 98 / 100 / 100 %
    [InlineData("resnet", 0f)]        // option-A shortcut (Slice + Pad), junction, MatMul + Add: 93 / 98 / 99 | 99 / 100 / 100 %
    [InlineData("inception", 0f)]     // max-pooling and a channel Concat: 98 / 99.5 / 99.5 | 97 / 99 / 99.5 %
    [InlineData("vgg", 0f)]           // max-pooling and BatchNorm: 91.5 / 97.5 / 99 | 95.5 / 96.5 / 98 %
    [InlineData("resnet18", 0.5f)]    // torchvision layout (max-pool stem, 1x1 + BN downsample shortcuts): 61 / 86.5 / 93.5 | 90 / 96 / 99.5 %
    public void AnImportedNetworkConvertsAndItsSnnAgreesWithTheAnn(string name, float initialPotential)
    {
        using var ann = OnnxImporter.Import(models.File($"{name}-op17-fold.onnx"));
        var identity = Normalization.Identity(3);
        var pixels = new byte[200 * 3 * 8 * 8];
        new Random(5).NextBytes(pixels);
        var labels = new int[200];
        var data = new ImageDataset("random", pixels, labels, 3, 8, 8, 5);
        using (no_grad())
        using (var batch = data.Batches(200, identity, CPU).Single())
        using (var logits = ann.call(batch.Images))
            foreach (var (p, i) in logits.argmax(1).data<long>().Select((p, i) => (p, i))) labels[i] = (int)p;
        Assert.True(labels.Distinct().Count() >= 3, "the exported network should tell the images apart");

        using var snn = ConversionPipeline.Compile(ann, identity, new ConversionOptions(), new NeuronOptions(ResetMode.Soft, InitialPotential: initialPotential),
            SimulationEngine.Dense, CPU);
        snn.SetThresholds(ThresholdBalancer.Balance(snn, ann, data, identity,
            new BalancingOptions(NormMode.ActMax, CalibrationImages: 200, Encoding: InputCoding.Direct), CPU));
        var result = Simulator.Run([("soft", snn)], data, new SimulationOptions(2048, InputCoding.Direct),
            new ExecutionOptions(ChunkSteps: 64), CPU)[0];
        output.WriteLine($"{name}: argmax agreement {result.AccuracyAt(256)} / {result.AccuracyAt(1024)} / {result.AccuracyAt(2048)} % " +
            "at T = 256 / 1024 / 2048");
        Assert.True(result.AccuracyAt(2048) >= 99, $"{name}: argmax agreement {result.AccuracyAt(2048)}% < 99% at T = 2048");
    }

    [Fact]
    public void UnsupportedOperationsDynamicSizesAndOtherFilesAreOneLineErrors()
    {
        UserError.Expect(() => OnnxImporter.Import(models.File("softmax.onnx")), "(Softmax)", "supported: Conv, Gemm");
        UserError.Expect(() => OnnxImporter.Import(models.File("sigmoid.onnx")), "'/head/Sigmoid' (Sigmoid)", "supported: Conv, Gemm");
        // the LSTM's input is x.flatten(2), a Reshape with an inferred dimension, which imports: the LSTM itself is named
        UserError.Expect(() => OnnxImporter.Import(models.File("lstm.onnx")), "'/lstm/LSTM' (LSTM)", "supported: Conv, Gemm");
        UserError.Expect(() => OnnxImporter.Import(models.File("dynamic.onnx")), "dynamic.onnx", "fixed input size");
        string truncated = models.File("truncated.onnx");
        byte[] whole = File.ReadAllBytes(models.File("resnet-op13-fold.onnx"));
        File.WriteAllBytes(truncated, whole[..(whole.Length / 2)]);
        UserError.Expect(() => OnnxImporter.Import(truncated), truncated, "not a readable ONNX model");
        string notOnnx = models.File("notes.onnx");
        File.WriteAllText(notOnnx, "not a protobuf at all, just text");
        UserError.Expect(() => OnnxImporter.Import(notOnnx), notOnnx, "not a readable ONNX model");
        Assert.Equal(CliRunner.Failure, Import(models.File("softmax.onnx"), models.File("softmax.model")));
        Assert.False(File.Exists(models.File("softmax.model")));
    }
}
