using Onnx;

namespace RmpSnn.Import.Onnx;

/// <summary>Typed access to a node's attributes, with the ONNX defaults.</summary>
internal sealed class OnnxAttributes(NodeProto node)
{
    readonly Dictionary<string, AttributeProto> _byName = node.Attribute.ToDictionary(a => a.Name);

    /// <summary>Whether the attribute is present.</summary>
    public bool Has(string name) => _byName.ContainsKey(name);

    /// <summary>An integer attribute.</summary>
    public long Int(string name, long fallback) => _byName.TryGetValue(name, out var a) ? a.I : fallback;

    /// <summary>A float attribute.</summary>
    public float Float(string name, float fallback) => _byName.TryGetValue(name, out var a) ? a.F : fallback;

    /// <summary>A string attribute.</summary>
    public string String(string name, string fallback) => _byName.TryGetValue(name, out var a) ? a.S.ToStringUtf8() : fallback;

    /// <summary>An integer-list attribute.</summary>
    public long[] Ints(string name, long[] fallback) => _byName.TryGetValue(name, out var a) ? [.. a.Ints] : fallback;

    /// <summary>A tensor attribute (the value of a Constant node).</summary>
    public TensorProto? Tensor(string name) => _byName.TryGetValue(name, out var a) ? a.T : null;
}
