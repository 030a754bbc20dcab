using System.Text;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Graph;
using RmpSnn.Models;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Models;

public sealed class QcfsTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rmpsnn-qcfs-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void ForwardFloorsShiftsAndClipsAndGradientsPassStraightThrough()
    {
        using var qcfs = new Qcfs(levels: 4, clip: 2.0);
        float[] x = [-1f, 0f, 0.2f, 0.3f, 1f, 1.9f, 2.5f, 10f];
        using var input = tensor(x).requires_grad_();
        using var output = qcfs.call(input);
        // λ/L · clamp(⌊x·L/λ + ½⌋, 0, L) with λ = 2, L = 4: steps of 0.5, switching at 0.25, 0.75, …, clipped at 2.
        Assert.Equal([0f, 0f, 0f, 0.5f, 1f, 2f, 2f, 2f], output.data<float>().ToArray());
        output.sum().backward();
        // ∂/∂x: 1 wherever the floored value lies in [0, L] (straight-through floor), 0 where it is clipped.
        Assert.Equal([0f, 1f, 1f, 1f, 1f, 1f, 0f, 0f], input.grad!.data<float>().ToArray());
        // ∂/∂λ per element: q/L − x/λ inside the clip range, 1 above it, 0 below: 0 + 0 − 0.1 + 0.1 + 0 + 0.05 + 1 + 1.
        Assert.Equal(2.05f, qcfs.Lambda.grad!.item<float>(), 1e-5f);
    }

    [Fact]
    public void ZooPutsQcfsWhereverReluWasIncludingAfterTheResidualAdd()
    {
        var relu = new ModelSpec("resnet20", 3, 32, 10, BatchNorm: true, Bias: true);
        using var reluNet = ModelZoo.Create(relu);
        using var qcfsNet = ModelZoo.Create(relu with { Activation = "qcfs", QuantLevels = 4 });
        var activations = ActivationProbe.Activations(qcfsNet).ToArray();
        Assert.Equal(19, activations.Length);                       // stem + 9 blocks × (main + after the add)
        Assert.All(activations, a => Assert.Equal(4, Assert.IsType<QcfsNode>(a).Qcfs.Levels));
        var extra = qcfsNet.state_dict().Keys.Except(reluNet.state_dict().Keys).ToArray();
        Assert.Equal(19, extra.Length);
        Assert.Contains("layers.2.lambda", extra);
        Assert.Contains("layers.3.activation.lambda", extra);
        Assert.Throws<RmpSnnException>(() => ModelZoo.Create(relu with { Activation = "gelu" }));
    }

    [Fact]
    public void ModelFileRoundTripKeepsClipsAndSpec()
    {
        var spec = new ModelSpec("smallcnn", 1, 28, 10, Activation: "qcfs", QuantLevels: 4);
        using var network = ModelZoo.Create(spec, seed: 1);
        using (no_grad())
            foreach (var (q, i) in ActivationProbe.Activations(network).Cast<QcfsNode>().Select((q, i) => (q, i)))
                q.Qcfs.Lambda.fill_(1.5 + i);
        string path = Path.Combine(dir, "qcfs.model");
        ModelFile.Save(path, network, new ModelInfo(spec, Normalization.Identity(1), "fashion-mnist"));
        var (loaded, info) = ModelFile.Load(path, CPU);
        using (loaded)
        {
            Assert.Equal(spec, info.Spec);
            Assert.Equal([1.5f, 2.5f, 3.5f, 4.5f],
                ActivationProbe.Activations(loaded).Cast<QcfsNode>().Select(q => q.Qcfs.Lambda.item<float>()).ToArray());
        }
    }

    [Fact]
    public void FilesWrittenBeforeTheActivationOptionLoadAsRelu()
    {
        var spec = new ModelSpec("smallcnn", 1, 28, 10);
        using var network = ModelZoo.Create(spec, seed: 1);
        string path = Path.Combine(dir, "old.model");
        ModelFile.Save(path, network, new ModelInfo(spec, Normalization.Identity(1), "fashion-mnist"));
        // Rewrite the JSON header without the two new fields, as an older RmpSnn wrote it.
        byte[] bytes = File.ReadAllBytes(path);
        int length = BitConverter.ToInt32(bytes, 8);
        string header = Encoding.UTF8.GetString(bytes, 12, length);
        string old = header.Replace(",\"Activation\":\"relu\",\"QuantLevels\":8", "");
        Assert.NotEqual(header, old);
        byte[] oldHeader = Encoding.UTF8.GetBytes(old);
        File.WriteAllBytes(path, [.. bytes[..8], .. BitConverter.GetBytes(oldHeader.Length), .. oldHeader, .. bytes[(12 + length)..]]);
        var (loaded, info) = ModelFile.Load(path, CPU);
        using (loaded)
        {
            Assert.Equal(spec, info.Spec);
            Assert.False(info.Spec.IsQcfs);
        }
    }
}
