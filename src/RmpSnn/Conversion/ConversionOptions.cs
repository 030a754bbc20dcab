using RmpSnn.Snn;

namespace RmpSnn.Conversion;

/// <summary>How an ANN becomes a spiking graph.</summary>
/// <param name="Readout">Membrane-potential or spike-count readout of the output layer.</param>
/// <param name="MaxPool">What max-pooling layers become: a spike gate or average pooling.</param>
public sealed record ConversionOptions(ReadoutMode Readout = ReadoutMode.Potential, MaxPoolMode MaxPool = MaxPoolMode.Gate);
