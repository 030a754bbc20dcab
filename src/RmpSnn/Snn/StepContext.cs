
namespace RmpSnn.Snn;

/// <summary>
/// What a stage needs to know about the chunk of time-steps it is processing: tensors entering a stage are
/// time-major <c>[Steps · Batch, …]</c>, i.e. <see cref="Steps"/> consecutive steps of the same <see cref="Batch"/> samples.
/// </summary>
public sealed class StepContext(int steps, int batch, int firstStep, SpikeRecorder? recorder = null, bool constantInput = false)
{
    /// <summary>Number of consecutive time-steps in this chunk (K).</summary>
    public int Steps { get; } = steps;
    /// <summary>Samples per step (B).</summary>
    public int Batch { get; } = batch;
    /// <summary>Global index of the chunk's first step (0-based).</summary>
    public int FirstStep { get; } = firstStep;
    /// <summary>The monitor that a run attaches: spike counts and synaptic operations by layer name; null to skip statistics.</summary>
    public SpikeRecorder? Recorder { get; } = recorder;
    /// <summary>
    /// True when the network input is the same every step (direct encoding): it is then passed once as <c>[Batch, …]</c>
    /// and the stateless stages that depend only on it run once per batch instead of once per step.
    /// </summary>
    public bool ConstantInput { get; } = constantInput;
}
