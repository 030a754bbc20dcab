using TorchSharp;

namespace RmpSnn;

/// <summary>
/// Scalars that stay reachable for the process's lifetime. TorchSharp 0.107 passes a Scalar's handle to LibTorch without
/// keeping the Scalar alive, and <c>a + b</c> or <c>a.add_(b)</c> create an implicit alpha of 1 that way: a garbage
/// collection during the call can finalize it, and LibTorch then fails ("Expected false to be true" from
/// <c>Scalar::toFloat</c>). Calls made every step or batch pass these, or scalars held in a <c>using</c> variable, instead
/// (<c>IfNeuronTests.ReferenceLoopSurvivesGarbageCollectionDuringItsNativeCalls</c>).
/// </summary>
internal static class HeldScalars
{
    /// <summary>0, for comparisons with zero.</summary>
    public static readonly Scalar Zero = 0;

    /// <summary>1, the alpha of a plain addition.</summary>
    public static readonly Scalar One = 1;
}
