using TorchSharp;
using static TorchSharp.torch;

namespace RmpSnn.Graph;

/// <summary>
/// The quantisation-clip-floor-shift activation of Bu et al. (ICLR 2022), a ReLU replacement for low-latency conversion:
/// <c>h(x) = λ/L · clamp(⌊x·L/λ + 1/2⌋, 0, L)</c> with a trainable clip λ (one scalar per layer, registered as
/// <c>lambda</c>) and L quantisation levels. The floor passes its gradient straight through, so λ and the inputs train
/// like a clipped ReLU. An IF neuron with soft reset, V_th = λ and initial potential V_th/2 reproduces h in expectation
/// after T = L steps (see <c>NormMode.Qcfs</c>).
/// </summary>
public sealed class Qcfs : nn.Module<Tensor, Tensor>
{
    readonly TorchSharp.Modules.Parameter lambda;

    /// <summary>Creates the activation with <paramref name="levels"/> quantisation steps and initial clip <paramref name="clip"/>.</summary>
    public Qcfs(int levels, double clip = 8.0) : base(nameof(Qcfs))
    {
        if (levels <= 0) throw new RmpSnnException($"--levels {levels}: expected a positive number of quantisation levels");
        Levels = levels;
        lambda = nn.Parameter(tensor((float)clip));
        RegisterComponents();
    }

    /// <summary>L: the number of non-zero output levels.</summary>
    public int Levels { get; }

    /// <summary>The trainable clip λ (a scalar parameter): the largest output and the converted threshold.</summary>
    public Tensor Lambda => lambda;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        using Scalar levels = Levels, half = 0.5;                                            // held: see HeldScalars
        var scaled = input.div(lambda).mul(levels).add(half, HeldScalars.One);
        var floored = scaled.add((scaled.floor() - scaled).detach(), HeldScalars.One);   // straight-through floor
        return floored.clamp(HeldScalars.Zero, levels).div(levels).mul(lambda).MoveToOuterDisposeScope();
    }
}
