using static TorchSharp.torch;

namespace RmpSnn.Snn;

/// <summary>One stage of a spiking network (synaptic layer, IF neuron layer or residual block), run on a chunk of steps.</summary>
public interface ISpikingStage
{
    /// <summary>Name shown in reports, e.g. <c>conv3</c> or <c>block2.junction</c>.</summary>
    string Name { get; }

    /// <summary>Processes a time-major chunk <c>[K·B, …]</c> and returns the stage's output for the same steps.</summary>
    Tensor Forward(Tensor input, StepContext context);

    /// <summary>Forgets all state (membrane potentials) before a new set of samples.</summary>
    void ResetState();
}
