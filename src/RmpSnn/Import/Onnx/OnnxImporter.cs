using Onnx;
using RmpSnn.Graph;
using RmpSnn.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Import.Onnx;

/// <summary>
/// Imports a CNN exported to ONNX (e.g. by <c>torch.onnx.export</c>, opset 11–17, constant folding on or off) as a
/// network graph: every ONNX operation becomes a typed node, weights and biases come from the initializers, and the
/// operations that only compute shapes (Shape, Gather, Unsqueeze, … on constants) are evaluated away. Node names follow
/// the ONNX node names (<c>/layer1/layer1.0/conv1/Conv</c> → <c>layer1.0.conv1.conv</c>). Anything else is one error
/// naming the node, its operation and <see cref="SupportedOps"/>.
/// </summary>
public static class OnnxImporter
{
    /// <summary>The operations the importer maps, for messages and docs.</summary>
    public const string SupportedOps = "Conv, Gemm, MatMul (+ Add of its bias), BatchNormalization, Relu, Clip, AveragePool, GlobalAveragePool, " +
        "MaxPool, Pad, Slice, Flatten, Reshape, Add, Concat, Mul/Div by a constant, Constant, Identity, Dropout; and Shape, Gather, " +
        "Unsqueeze, Squeeze, Concat, Cast, Add, Sub, Mul, Div on constants";

    /// <summary>
    /// Reads <paramref name="path"/> and returns the network (eval mode, CPU) with its spec: input channels, size and
    /// classes from the graph.
    /// </summary>
    /// <exception cref="RmpSnnException">Not an ONNX model, a dynamic input size, or an operation the importer does not map.</exception>
    public static Network Import(string path)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or IOException or UnauthorizedAccessException)
        {
            throw new RmpSnnException($"{path}: not a readable ONNX model ({e.Message})");
        }
        if (model.Graph is null || model.Graph.Node.Count == 0) throw new RmpSnnException($"{path}: the ONNX model has no graph");
        long opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();
        using var noGrad = no_grad();
        var network = new OnnxGraphReader(path, model.Graph, opset).Read();
        try
        {
            StateDictIO.RequireFinite(network, path);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        return network;
    }
}
