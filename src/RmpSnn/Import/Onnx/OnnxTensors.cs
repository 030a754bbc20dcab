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
        int elementSize = type switch
        {
            TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Int32 => 4,
            TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Int64 => 8,
            _ => throw new RmpSnnException($"{where}: tensor '{proto.Name}' has element type {type}; supported are float, double, int64 and int32"),
        };
        // the dims are checked against the data before anything is allocated: a corrupt file cannot ask for a huge tensor
        long elements = 1;
        foreach (long d in shape)
            elements = d < 0 || (d > 0 && elements > long.MaxValue / d) ? -1 : elements * d;
        bool raw = !proto.RawData.IsEmpty;
        long given = raw ? proto.RawData.Length / elementSize : type switch
        {
            TensorProto.Types.DataType.Float => proto.FloatData.Count,
            TensorProto.Types.DataType.Double => proto.DoubleData.Count,
            TensorProto.Types.DataType.Int64 => proto.Int64Data.Count,
            _ => proto.Int32Data.Count,
        };
        if (elements < 0 || given != elements || (raw && proto.RawData.Length % elementSize != 0))
            throw new RmpSnnException($"{where}: tensor '{proto.Name}' has {(raw ? proto.RawData.Length + " bytes" : given + " values")} of " +
                $"{type} for shape [{string.Join(", ", shape)}]; expected one value per element");
        Tensor result = type switch
        {
            TensorProto.Types.DataType.Float => raw ? FromRaw(proto, ScalarType.Float32, shape) : tensor(proto.FloatData.ToArray()),
            TensorProto.Types.DataType.Double => raw ? FromRaw(proto, ScalarType.Float64, shape) : tensor(proto.DoubleData.ToArray()),
            TensorProto.Types.DataType.Int64 => raw ? FromRaw(proto, ScalarType.Int64, shape) : tensor(proto.Int64Data.ToArray()),
            _ => raw ? FromRaw(proto, ScalarType.Int32, shape) : tensor(proto.Int32Data.ToArray()),
        };
        return result.reshape(shape);
    }

    static Tensor FromRaw(TensorProto proto, ScalarType dtype, long[] shape)
    {
        var t = empty(shape, dtype);
        t.bytes = proto.RawData.ToByteArray();
        return t;
    }
}
