using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>
/// One compiled stage of a <see cref="SpikingNetwork"/>, made from one node of the converted graph with its kernel
/// already chosen, run on a time-major chunk of steps. Stages own their tensors (weights, membrane potentials).
/// </summary>
public interface ISpikingStage : IDisposable
{
    /// <summary>The node's name, used in reports, threshold files and recorders.</summary>
    string Name { get; }

    /// <summary>Processes the operands' chunk <c>[K·B, …]</c> and returns the stage's output for the same steps.</summary>
    Tensor Forward(IReadOnlyList<Tensor> inputs, StepContext context);

    /// <summary>Forgets all state (membrane potentials, accumulated inputs) before a new set of samples; stateless stages do nothing.</summary>
    void ResetState();
}
