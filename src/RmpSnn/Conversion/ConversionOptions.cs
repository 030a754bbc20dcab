using RmpSnn.Snn;

namespace RmpSnn.Conversion;

/// <summary>How an ANN becomes an SNN.</summary>
/// <param name="Neurons">IF dynamics of every neuron layer.</param>
/// <param name="Readout">Membrane-potential or spike-count readout of the output layer.</param>
/// <param name="MaxPool">What max-pooling layers become: a spike gate or average pooling.</param>
public sealed record ConversionOptions(NeuronOptions Neurons, ReadoutMode Readout = ReadoutMode.Potential, MaxPoolMode MaxPool = MaxPoolMode.Gate);
