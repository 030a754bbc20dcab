using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Import.Onnx;

/// <summary>Reads ONNX <see cref="TensorProto"/>s (raw little-endian data or typed fields) into CPU tensors.</summary>
internal static class OnnxTensors
{
    /// <summary>
    /// The tensor <paramref name="proto"/> holds: float32, float64, int64 or int32; anything else is an error naming
    /// <paramref name="where"/>.
    /// </summary>
    public static Tensor Read(TensorProto proto, string where)
    {
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
            throw new RmpSnnException($"{where}: tensor '{proto.Name}' is stored in an external file; export with the weights inside the .onnx file");
        long[] shape = [.. proto.Dims];
        var type = (TensorProto.Types.DataType)proto.DataType;
        bool raw = !proto.RawData.IsEmpty;
        Tensor result = type switch
        {
            TensorProto.Types.DataType.Float => raw ? FromRaw(proto, ScalarType.Float32, shape) : tensor(proto.FloatData.ToArray()),
            TensorProto.Types.DataType.Double => raw ? FromRaw(proto, ScalarType.Float64, shape) : tensor(proto.DoubleData.ToArray()),
            TensorProto.Types.DataType.Int64 => raw ? FromRaw(proto, ScalarType.Int64, shape) : tensor(proto.Int64Data.ToArray()),
            TensorProto.Types.DataType.Int32 => raw ? FromRaw(proto, ScalarType.Int32, shape) : tensor(proto.Int32Data.ToArray()),
            _ => throw new RmpSnnException($"{where}: tensor '{proto.Name}' has element type {type}; supported are float, double, int64 and int32"),
        };
        return result.reshape(shape);
    }

    static Tensor FromRaw(TensorProto proto, ScalarType dtype, long[] shape)
    {
        var t = empty(shape, dtype);
        byte[] bytes = proto.RawData.ToByteArray();
        if (bytes.Length != t.NumberOfElements * t.ElementSize)
            throw new RmpSnnException($"tensor '{proto.Name}': {bytes.Length} bytes of data for shape [{string.Join(", ", shape)}]");
        t.bytes = bytes;
        return t;
    }
}
