using RmpSnn.Conversion;
using RmpSnn.Snn;

namespace RmpSnn.Experiments;

/// <summary>
/// Everything that determines a sweep's numbers. It is stored in <c>sweep.json</c>; resuming requires an exact match, so
/// finished cells are only reused for the same model (by SHA-256), images and options. (The chunk size is left out: it
/// does not change results.)
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
    int BatchSize,
    int Seed,
    float InitialPotential,
    float ResetPotential,
    MaxPoolMode MaxPool = MaxPoolMode.Gate);
