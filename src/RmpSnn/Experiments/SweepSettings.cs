using RmpSnn.Conversion;
using RmpSnn.Snn;

namespace RmpSnn.Experiments;

/// <summary>
/// Everything that determines a sweep's numbers. It is stored in <c>sweep.json</c>; resuming requires an exact match, so
/// finished cells are only reused for the same model (by SHA-256), images and options. (Batch size, chunk length and
/// memory budget are left out: input spikes are seeded per image, so they do not change results.) <see cref="Images"/>
/// counts the whole selection; <see cref="Shard"/> (<c>i/n</c>, or null) is the part of it this sweep folder simulates.
/// <see cref="Signed"/> simulates signed neurons (<see cref="NeuronOptions.Signed"/>), <see cref="MaxBurst"/> burst neurons
/// (<see cref="NeuronOptions.MaxBurst"/>; 1 for IF neurons and in sweeps written before it).
/// </summary>
public sealed record SweepSettings(
    string ModelSha256,
    string Dataset,
    string Split,
    int Validation,
    int Images,
    int Steps,
    NormMode[] Norms,
    InputCoding[] Encodings,
    ResetMode[] Resets,
    double[] Alphas,
    double Percentile,
    int CalibrationImages,
    int CalibrationSteps,
    ReadoutMode Readout,
    int Seed,
    float InitialPotential,
    float ResetPotential,
    MaxPoolMode MaxPool = MaxPoolMode.Gate,
    string? Shard = null,
    bool Signed = false,
    int MaxBurst = 1);
