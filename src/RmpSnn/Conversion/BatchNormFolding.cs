using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RmpSnn.Conversion;

/// <summary>
/// Folds an inference-mode BatchNorm into the preceding conv/linear layer:
/// <c>W' = W·γ/√(σ²+ε)</c> per output channel, <c>b' = (b − μ)·γ/√(σ²+ε) + β</c>.
/// </summary>
public static class BatchNormFolding
{
    /// <summary>Returns the folded (weight, bias); the inputs are not modified.</summary>
    public static (Tensor Weight, Tensor Bias) Fold(Tensor weight, Tensor? bias, BatchNorm norm)
    {
        using var scope = NewDisposeScope();
        var mean = norm.running_mean ?? throw new RmpSnnException($"{norm.GetName()}: BatchNorm without running statistics cannot be folded");
        var variance = norm.running_var!;
        var scale = (variance + norm.eps).rsqrt();
        if (norm.weight is { } gamma) scale = scale * gamma;
        var shift = norm.bias is { } beta ? beta.detach() : zeros_like(mean);
        long[] perChannel = [weight.shape[0], .. Enumerable.Repeat(1L, (int)weight.dim() - 1)];
        var foldedWeight = weight.detach() * scale.view(perChannel);
        var foldedBias = ((bias is null ? zeros_like(mean) : bias.detach()) - mean) * scale + shift;
        return (foldedWeight.MoveToOuterDisposeScope(), foldedBias.MoveToOuterDisposeScope());
    }
}
