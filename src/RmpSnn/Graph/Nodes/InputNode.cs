using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>The network input <c>[N, Channels, Height, Width]</c>: raw or normalised images in the ANN, frames in the SNN.</summary>
public sealed class InputNode(string name, int channels, int height, int width) : GraphNode(name)
{
    /// <summary>Input channels.</summary>
    public int Channels { get; } = channels;
    /// <summary>Input height.</summary>
    public int Height { get; } = height;
    /// <summary>Input width.</summary>
    public int Width { get; } = width;

    /// <inheritdoc/>
    public override string Op => "Input";
    /// <inheritdoc/>
    public override int Arity => 0;
    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => throw new InvalidOperationException("the input node is given its value");
}
