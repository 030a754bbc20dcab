using Onnx;
using RmpSnn.Graph;
using RmpSnn.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Import.Onnx;

/// <summary>One import: walks the ONNX nodes in order, folding constants and adding a graph node per operation.</summary>
internal sealed class OnnxGraphReader(string path, GraphProto onnx, long opset)
{
    readonly GraphBuilder _graph = new();
    readonly Dictionary<string, Tensor> _constants = [];
    readonly Dictionary<string, string> _producer = [];   // ONNX value → graph node
    readonly Dictionary<string, Tensor> _probe = [];      // ONNX value → its value for a zero image, batch 1 (for shapes)
    readonly HashSet<string> _names = [];
    readonly HashSet<string> _biasFree = [];              // graph nodes made from a MatMul, whose bias may follow as an Add

    public Network Read()
    {
        foreach (var init in onnx.Initializer) _constants[init.Name] = OnnxTensors.Read(init, path);
        var input = Input();
        foreach (var node in onnx.Node)
        {
            try
            {
                Map(node);
            }
            catch (Exception e) when (e is not RmpSnnException)
            {
                throw new RmpSnnException($"{Show(node)}: cannot be imported ({e.Message.Split('\n')[0]})", e);
            }
        }
        if (onnx.Output.Count != 1) throw new RmpSnnException($"{path}: expected one graph output, found {onnx.Output.Count}");
        string output = onnx.Output[0].Name;
        if (!_producer.TryGetValue(output, out var last)) throw new RmpSnnException($"{path}: the output '{output}' is a constant");
        var logits = _probe[output];
        if (logits.dim() != 2)
            throw new RmpSnnException($"{path}: the output '{output}' has shape [{string.Join(", ", logits.shape)}]; expected [N, classes]");
        var spec = new ModelSpec($"onnx:{Path.GetFileNameWithoutExtension(path)}", input.Channels, input.Height, (int)logits.shape[1], Dropout: 0);
        var network = new Network(spec, _graph.SetOutput(last).Build());
        network.eval();
        foreach (var t in _constants.Values.Concat(_probe.Values)) t.Dispose();
        return network;
    }

    InputNode Input()
    {
        var inputs = onnx.Input.Where(i => !_constants.ContainsKey(i.Name)).ToArray();
        if (inputs.Length != 1)
            throw new RmpSnnException($"{path}: expected one image input, found {inputs.Length} ({string.Join(", ", inputs.Select(i => i.Name))})");
        var dims = inputs[0].Type?.TensorType?.Shape?.Dim.ToArray() ?? [];
        string shown = string.Join(", ", dims.Select(d => d.DimParam is { Length: > 0 } p ? p : d.DimValue.ToString()));
        if (dims.Length != 4 || dims.Skip(1).Any(d => d.DimValue <= 0))
            throw new RmpSnnException($"{path}: input '{inputs[0].Name}' has shape [{shown}]; expected [N, C, H, W] with fixed C, H and W " +
                "(export with a fixed input size)");
        if (dims[2].DimValue != dims[3].DimValue)
            throw new RmpSnnException($"{path}: input '{inputs[0].Name}' is {dims[2].DimValue}×{dims[3].DimValue}; RmpSnn takes square images");
        var node = new InputNode("input", (int)dims[1].DimValue, (int)dims[2].DimValue, (int)dims[3].DimValue);
        _graph.Add(node);
        _names.Add(node.Name);
        _producer[inputs[0].Name] = node.Name;
        _probe[inputs[0].Name] = zeros(1, node.Channels, node.Height, node.Width);
        return node;
    }

    void Map(NodeProto node)
    {
        var a = new OnnxAttributes(node);
        var inputs = node.Input.ToArray();
        string output = node.Output[0];
        if (node.Domain is not ("" or "ai.onnx")) Unsupported(node);
        if (inputs.Where(i => i.Length > 0).All(_constants.ContainsKey) && Fold(node, a, inputs) is { } folded)
        {
            _constants[output] = folded;
            return;
        }
        switch (node.OpType)
        {
            case "Conv": Add(node, Conv(node, a, inputs), inputs[0]); break;
            case "Gemm": Add(node, Gemm(node, a, inputs), inputs[0]); break;
            case "MatMul":
                var matmul = new LinearNode(Name(node), Linear(Constant(node, inputs[1]).t(), null));
                Add(node, matmul, inputs[0]);
                _biasFree.Add(matmul.Name);
                break;
            case "Add": AddOrBias(node, inputs); break;
            case "BatchNormalization": Add(node, BatchNorm(node, a, inputs), inputs[0]); break;
            case "Relu": Add(node, new ReluNode(Name(node)), inputs[0]); break;
            case "Clip": Add(node, Clip(node, a, inputs), inputs[0]); break;
            case "AveragePool": Add(node, AveragePool(node, a), inputs[0]); break;
            case "GlobalAveragePool": Add(node, new GlobalAvgPoolNode(Name(node)), inputs[0]); break;
            case "MaxPool":
                if (node.Output.Count > 1 && node.Output[1].Length > 0) Unsupported(node, "max-pooling indices are not supported");
                Add(node, new MaxPoolNode(Name(node), Pair(node, a.Ints("kernel_shape", [])), a.Ints("strides", [1, 1]),
                    Pads(node, a.Ints("pads", [0, 0, 0, 0])), a.Ints("dilations", [1, 1]), a.Int("ceil_mode", 0) != 0), inputs[0]);
                break;
            case "Pad": Add(node, Pad(node, a, inputs), inputs[0]); break;
            case "Slice": AddSlice(node, Slice(node, a, inputs), inputs[0]); break;
            case "Flatten":
                if (a.Int("axis", 1) != 1) Unsupported(node, $"Flatten with axis {a.Int("axis", 1)}; only axis 1 keeps the batch");
                Add(node, new FlattenNode(Name(node)), inputs[0]);
                break;
            case "Reshape": Add(node, Reshape(node, inputs), inputs[0]); break;
            case "Concat":
                if (Axis(a.Int("axis", 1), _probe[inputs[0]].dim()) != 1) Unsupported(node, "Concat along an axis other than the channels (1)");
                Add(node, new ConcatNode(Name(node)), inputs);
                break;
            case "Mul" or "Div": Add(node, Scale(node, inputs), inputs.First(i => !_constants.ContainsKey(i))); break;
            case "Identity" or "Dropout": Add(node, new IdentityNode(Name(node)), inputs[0]); break;
            case "Shape": _constants[output] = tensor(_probe[inputs[0]].shape); break;   // batch 1: a reshape reads dimension 0 as the batch
            default: Unsupported(node); break;
        }
    }

    /// <summary>Adds <paramref name="created"/> reading <paramref name="operands"/> (ONNX values) and records its output's probe value.</summary>
    void Add(NodeProto node, GraphNode created, params string[] operands)
    {
        var sources = operands.Select(o => _producer.TryGetValue(o, out var p) ? p
            : throw new RmpSnnException($"{Show(node)}: operand '{o}' is " +
                $"{(_constants.ContainsKey(o) ? "a constant here, which this operation does not take" : "not produced by any earlier node")}"))
            .ToArray();
        _graph.Add(created, sources);
        Probe(node, created, operands);
    }

    void Probe(NodeProto node, GraphNode created, string[] operands)
    {
        created.Module?.eval();
        try
        {
            _probe[node.Output[0]] = created.Forward(operands.Select(o => _probe[o]).ToArray());
        }
        catch (Exception e) when (e is not RmpSnnException)
        {
            throw new RmpSnnException($"{Show(node)}: the operation does not fit its input of shape " +
                $"[{string.Join(", ", _probe[operands[0]].shape)}] ({e.Message.Split('\n')[0]})");
        }
        _producer[node.Output[0]] = created.Name;
    }

    Conv2dNode Conv(NodeProto node, OnnxAttributes a, string[] inputs)
    {
        if (a.String("auto_pad", "NOTSET") != "NOTSET") Unsupported(node, "auto_pad; export with explicit pads");
        var w = Constant(node, inputs[1]);
        var b = inputs.Length > 2 && inputs[2].Length > 0 ? Constant(node, inputs[2]) : null;
        long groups = a.Int("group", 1);
        var k = Pair(node, a.Ints("kernel_shape", [w.shape[2], w.shape[3]]));
        var s = a.Ints("strides", [1, 1]);
        var p = Pads(node, a.Ints("pads", [0, 0, 0, 0]));
        var d = a.Ints("dilations", [1, 1]);
        var conv = nn.Conv2d(w.shape[1] * groups, w.shape[0], (k[0], k[1]), (s[0], s[1]), (p[0], p[1]), (d[0], d[1]), groups: groups,
            bias: b is not null);
        conv.weight!.copy_(w);
        conv.bias?.copy_(b!);
        return new Conv2dNode(Name(node), conv);
    }

    LinearNode Gemm(NodeProto node, OnnxAttributes a, string[] inputs)
    {
        if (a.Int("transA", 0) != 0) Unsupported(node, "Gemm with transA = 1");
        var w = Constant(node, inputs[1]);
        if (a.Int("transB", 0) == 0) w = w.t();
        var b = inputs.Length > 2 && inputs[2].Length > 0 ? Constant(node, inputs[2]) : null;
        using Scalar alpha = a.Float("alpha", 1f), beta = a.Float("beta", 1f);
        return new LinearNode(Name(node), Linear(w.mul(alpha), b?.mul(beta)));
    }

    static TorchSharp.Modules.Linear Linear(Tensor weight, Tensor? bias)
    {
        var linear = nn.Linear(weight.shape[1], weight.shape[0], hasBias: bias is not null);
        linear.weight!.copy_(weight);
        if (bias is not null) linear.bias!.copy_(bias.reshape(-1));
        return linear;
    }

    /// <summary>An Add of two computed values is a junction; an Add of a constant is the bias of the MatMul before it.</summary>
    void AddOrBias(NodeProto node, string[] inputs)
    {
        if (inputs.All(_producer.ContainsKey))
        {
            Add(node, new AddNode(Name(node)), inputs);
            return;
        }
        string value = inputs.First(_producer.ContainsKey), constant = inputs.First(i => !_producer.ContainsKey(i));
        string source = _producer[value];
        if (!_biasFree.Contains(source) || _graph.ConsumersOf(source).Count > 0)
            Unsupported(node, "adding a constant other than the bias right after a MatMul");
        var old = (LinearNode)_graph[source];
        var bias = Constant(node, constant);
        if (bias.numel() != old.Weight.shape[0])
            Unsupported(node, $"a bias of {bias.numel()} values after a MatMul with {old.Weight.shape[0]} outputs");
        ReplaceWithin(node, source, new LinearNode(source, Linear(old.Weight.detach(), bias)));
        _biasFree.Remove(source);
    }

    /// <summary>
    /// Adds a slice, merged into the slice before it when that one feeds nothing else and slices other axes: exporters
    /// write <c>x[:, :, ::2, ::2]</c> as one Slice per axis, and one node keeps the option-A shortcut recognisable.
    /// </summary>
    void AddSlice(NodeProto node, SliceNode slice, string operand)
    {
        string source = _producer[operand];
        if (_graph[source] is not SliceNode previous || _graph.ConsumersOf(source).Count > 0 || previous.Axes.Intersect(slice.Axes).Any())
        {
            Add(node, slice, operand);
            return;
        }
        ReplaceWithin(node, source, new SliceNode(previous.Name, [.. previous.Axes, .. slice.Axes], [.. previous.Starts, .. slice.Starts],
            [.. previous.Ends, .. slice.Ends], [.. previous.Steps, .. slice.Steps]));
    }

    /// <summary>
    /// Folds <paramref name="node"/> into the one-operand graph node <paramref name="source"/> it reads (which feeds nothing
    /// else): <paramref name="replacement"/> takes that node's place, and <paramref name="node"/>'s output is its value.
    /// </summary>
    void ReplaceWithin(NodeProto node, string source, GraphNode replacement)
    {
        string operand = _graph.InputsOf(source)[0];
        _graph.Replace(source, replacement, operand);
        Probe(node, replacement, [_producer.First(p => p.Value == operand).Key]);
    }

    BatchNormNode BatchNorm(NodeProto node, OnnxAttributes a, string[] inputs)
    {
        var (scale, shift, mean, variance) =
            (Constant(node, inputs[1]), Constant(node, inputs[2]), Constant(node, inputs[3]), Constant(node, inputs[4]));
        double eps = a.Float("epsilon", 1e-5f), momentum = 1 - a.Float("momentum", 0.9f);
        TorchSharp.Modules.BatchNorm norm = _probe[inputs[0]].dim() == 2
            ? nn.BatchNorm1d(scale.shape[0], eps, momentum) : nn.BatchNorm2d(scale.shape[0], eps, momentum);
        norm.weight!.copy_(scale);
        norm.bias!.copy_(shift);
        norm.running_mean!.copy_(mean);
        norm.running_var!.copy_(variance);
        return new BatchNormNode(Name(node), norm);
    }

    GraphNode Clip(NodeProto node, OnnxAttributes a, string[] inputs)
    {
        double min = opset >= 11 ? Bound(node, inputs, 1, double.NegativeInfinity) : a.Float("min", float.NegativeInfinity);
        double max = opset >= 11 ? Bound(node, inputs, 2, double.PositiveInfinity) : a.Float("max", float.PositiveInfinity);
        return min == 0 && double.IsPositiveInfinity(max) ? new ReluNode(Name(node)) : new ClipNode(Name(node), min, max);
    }

    double Bound(NodeProto node, string[] inputs, int index, double fallback) =>
        inputs.Length > index && inputs[index].Length > 0 ? Number(Constant(node, inputs[index])) : fallback;

    /// <summary>A one-element tensor's value (the float64 copy held until read, so it cannot be finalized mid-call).</summary>
    static double Number(Tensor constant)
    {
        using var value = constant.to_type(ScalarType.Float64);
        return value.item<double>();
    }

    AvgPoolNode AveragePool(NodeProto node, OnnxAttributes a)
    {
        if (a.String("auto_pad", "NOTSET") != "NOTSET") Unsupported(node, "auto_pad; export with explicit pads");
        return new AvgPoolNode(Name(node), Pair(node, a.Ints("kernel_shape", [])), a.Ints("strides", [1, 1]),
            Pads(node, a.Ints("pads", [0, 0, 0, 0])), a.Int("ceil_mode", 0) != 0, a.Int("count_include_pad", 0) != 0);
    }

    PadNode Pad(NodeProto node, OnnxAttributes a, string[] inputs)
    {
        if (a.String("mode", "constant") != "constant") Unsupported(node, $"{a.String("mode", "")} padding; only zero (constant) padding converts");
        long[] pads = opset >= 11 ? Longs(Constant(node, inputs[1])) : a.Ints("pads", []);
        double value = opset >= 11 ? Bound(node, inputs, 2, 0) : a.Float("value", 0);
        int rank = (int)_probe[inputs[0]].dim();
        if (value != 0 || pads.Length != 2 * rank || pads[0] != 0 || pads[rank] != 0)
            Unsupported(node, "padding other than zeros on channels and spatial dimensions");
        var order = new List<long>();   // F.pad: last dimension first, (begin, end) each
        for (int d = rank - 1; d >= 1; d--) order.AddRange([pads[d], pads[d + rank]]);
        return new PadNode(Name(node), [.. order]);
    }

    SliceNode Slice(NodeProto node, OnnxAttributes a, string[] inputs)
    {
        var shape = _probe[inputs[0]].shape;
        var (axes, starts, ends, steps) = SliceArguments(node, a, inputs, shape.Length);
        if (axes.Contains(0)) Unsupported(node, "slicing the batch dimension");
        if (steps.Any(s => s <= 0)) Unsupported(node, "slicing a computed value with a negative step");
        var bounds = axes.Select((axis, i) => SliceIndices(shape[axis], starts[i], ends[i], steps[i])).ToArray();
        return new SliceNode(Name(node), axes, [.. bounds.Select(b => b.Length == 0 ? 0 : b[0])],
            [.. bounds.Select(b => (long?)(b.Length == 0 ? 0 : b[^1] + 1))], steps);
    }

    /// <summary>Slice's axes (non-negative), starts, ends and steps, from its inputs (opset ≥ 10) or attributes.</summary>
    (long[] Axes, long[] Starts, long[] Ends, long[] Steps) SliceArguments(NodeProto node, OnnxAttributes a, string[] inputs, long rank)
    {
        bool given(int i) => inputs.Length > i && inputs[i].Length > 0;
        long[] starts = opset >= 10 ? Longs(Constant(node, inputs[1])) : a.Ints("starts", []);
        long[] ends = opset >= 10 ? Longs(Constant(node, inputs[2])) : a.Ints("ends", []);
        long[] all = [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
        long[] axes = opset >= 10 ? (given(3) ? Longs(Constant(node, inputs[3])) : all) : a.Ints("axes", all);
        long[] steps = opset >= 10 && given(4) ? Longs(Constant(node, inputs[4])) : [.. starts.Select(_ => 1L)];
        return ([.. axes.Select(x => Axis(x, rank))], starts, ends, steps);
    }

    /// <summary>
    /// The indices ONNX Slice selects from a dimension of <paramref name="size"/> (negative bounds count from the end, then
    /// clamp).
    /// </summary>
    static long[] SliceIndices(long size, long start, long end, long step)
    {
        static long Bound(long v, long size, long low, long high) => Math.Clamp(v < 0 ? v + size : v, low, high);
        var indices = new List<long>();
        if (step > 0)
            for (long i = Bound(start, size, 0, size); i < Bound(end, size, 0, size); i += step) indices.Add(i);
        else
            for (long i = Bound(start, size, -1, size - 1); i > Bound(end, size, -1, size - 1); i += step) indices.Add(i);
        return [.. indices];
    }

    GraphNode Reshape(NodeProto node, string[] inputs)
    {
        var before = _probe[inputs[0]].shape;
        long[] target = Longs(Constant(node, inputs[1]));
        if (target.Length == 0 || target[0] is not (-1 or 0 or 1))
            Unsupported(node, $"a reshape to [{string.Join(", ", target)}] that does not keep the batch first");
        long[] sample = [.. target.Skip(1).Select((v, i) => v == 0 ? before[i + 1] : v)];
        long elements = before.Skip(1).Aggregate(1L, (x, y) => x * y);
        return sample.Length == 1 && (sample[0] == -1 || sample[0] == elements) ? new FlattenNode(Name(node)) : new ReshapeNode(Name(node), sample);
    }

    ScaleNode Scale(NodeProto node, string[] inputs)
    {
        var constant = inputs.Where(_constants.ContainsKey).Select(i => _constants[i]).FirstOrDefault();
        if (constant is null || constant.numel() != 1 || (node.OpType == "Div" && _constants.ContainsKey(inputs[0])))
            Unsupported(node, $"{node.OpType} other than by one constant number");
        double factor = Number(constant!);
        return new ScaleNode(Name(node), node.OpType == "Div" ? 1 / factor : factor);
    }

    /// <summary>Evaluates a node whose operands are all constants (shape arithmetic), or null when it is not such an operation.</summary>
    Tensor? Fold(NodeProto node, OnnxAttributes a, string[] inputs)
    {
        Tensor In(int i) => _constants[inputs[i]];
        switch (node.OpType)
        {
            case "Constant":
                if (a.Tensor("value") is { } value) return OnnxTensors.Read(value, path);
                if (a.Has("value_float")) return tensor(a.Float("value_float", 0));
                if (a.Has("value_int")) return tensor(a.Int("value_int", 0));
                if (a.Has("value_ints")) return tensor(a.Ints("value_ints", []));
                Unsupported(node, "a Constant without a tensor, float or int value");
                return null;
            case "Identity": return In(0).alias();
            case "Shape": return tensor(In(0).shape);
            case "Cast":
                return In(0).to_type(a.Int("to", 1) switch { 1 => ScalarType.Float32, 6 => ScalarType.Int32, 7 => ScalarType.Int64,
                    11 => ScalarType.Float64, var t => throw new RmpSnnException($"{Show(node)}: Cast to ONNX type {t} is not supported") });
            case "Gather":
            {
                var (data, indices) = (In(0), In(1));
                long axis = Axis(a.Int("axis", 0), data.dim());
                if (indices.dim() == 0)
                    return data.select(axis, indices.item<long>() < 0 ? indices.item<long>() + data.shape[axis] : indices.item<long>());
                return data.index_select(axis, indices.flatten())
                    .reshape([.. data.shape[..(int)axis], .. indices.shape, .. data.shape[((int)axis + 1)..]]);
            }
            case "Unsqueeze":
            {
                var x = In(0);
                long[] axes = opset >= 13 ? Longs(In(1)) : a.Ints("axes", []);
                foreach (long axis in axes.Select(v => v < 0 ? v + x.dim() + axes.Length : v).Order()) x = x.unsqueeze(axis);
                return x;
            }
            case "Squeeze":
            {
                var x = In(0);
                long[] axes = opset >= 13 && inputs.Length > 1 ? Longs(In(1)) : a.Ints("axes", []);
                foreach (long axis in axes.Select(v => Axis(v, x.dim())).OrderDescending()) x = x.squeeze(axis);
                return x;
            }
            case "Concat": return cat(inputs.Select(i => _constants[i]).ToArray(), Axis(a.Int("axis", 0), In(0).dim()));
            case "Reshape":
            {
                var x = In(0);
                long[] shape = Longs(In(1));
                return x.reshape([.. shape.Select((v, i) => v == 0 ? x.shape[i] : v)]);
            }
            case "Transpose":
            {
                var x = In(0);
                return x.permute(a.Ints("perm", [.. Enumerable.Range(0, (int)x.dim()).Reverse().Select(i => (long)i)]));
            }
            case "ConstantOfShape":
            {
                if (a.Tensor("value") is not { } fill) return zeros(Longs(In(0)));
                using var filled = OnnxTensors.Read(fill, path);   // held: a temporary could be finalized during the copy
                using var one = filled.reshape(1);
                using var expanded = one.expand(Longs(In(0)));
                return expanded.contiguous();
            }
            case "Slice":
            {
                var x = In(0);
                var (axes, starts, ends, steps) = SliceArguments(node, a, inputs, x.dim());
                for (int i = 0; i < axes.Length; i++)
                {
                    long size = x.shape[axes[i]];
                    var indices = SliceIndices(size, starts[i], ends[i], steps[i]);
                    x = x.index_select(axes[i], tensor(indices));
                }
                return x;
            }
            case "Add": return In(0) + In(1);
            case "Sub": return In(0) - In(1);
            case "Mul": return In(0) * In(1);
            case "Div": return is_integral(In(0).dtype) ? In(0).div(In(1), RoundingMode.floor) : In(0) / In(1);
            default: return null;
        }
    }

    Tensor Constant(NodeProto node, string name) => _constants.TryGetValue(name, out var t) ? t
        : throw new RmpSnnException($"{Show(node)}: operand '{name}' must be a constant (an initializer), but it is computed");

    static long[] Longs(Tensor t) => t.to_type(ScalarType.Int64).data<long>().ToArray();

    static long Axis(long axis, long rank) => axis < 0 ? axis + rank : axis;

    long[] Pair(NodeProto node, long[] values)
    {
        if (values.Length != 2) Unsupported(node, $"a {values.Length}-D window; only 2-D images are supported");
        return values;
    }

    /// <summary>ONNX pads [top, left, bottom, right] as symmetric (height, width) padding.</summary>
    long[] Pads(NodeProto node, long[] pads)
    {
        if (pads.Length != 4 || pads[0] != pads[2] || pads[1] != pads[3]) Unsupported(node, $"asymmetric padding [{string.Join(", ", pads)}]");
        return [pads[0], pads[1]];
    }

    /// <summary>A unique graph name from the ONNX node name: <c>/layer1/layer1.0/conv1/Conv</c> → <c>layer1.0.conv1.conv</c>.</summary>
    string Name(NodeProto node)
    {
        var parts = node.Name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string name = parts.Length switch
        {
            0 => node.OpType.ToLowerInvariant(),
            1 => parts[0].ToLowerInvariant(),
            _ => $"{parts[^2]}.{parts[^1].ToLowerInvariant()}",
        };
        name = new string([.. name.Select(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_')]);
        string unique = name;
        for (int k = 1; !_names.Add(unique); k++) unique = $"{name}_{k}";
        return unique;
    }

    string Show(NodeProto node) => $"{path}: node '{node.Name}' ({node.OpType})";

    void Unsupported(NodeProto node, string? what = null) =>
        throw new RmpSnnException($"{Show(node)}: {what ?? "operation not supported"}; supported: {OnnxImporter.SupportedOps}");
}
