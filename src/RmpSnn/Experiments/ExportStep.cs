using System.Globalization;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Export;
using RmpSnn.Models;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Experiments;

/// <summary>What <c>rmpsnn export</c> asks for.</summary>
/// <param name="ModelPath">The model file.</param>
/// <param name="ConvertedPath">Its converted thresholds (checked to belong to the model).</param>
/// <param name="OutPath">The file to write.</param>
/// <param name="Reset">Which reset mode's SNN to write.</param>
/// <param name="Alpha">Threshold scale α.</param>
/// <param name="ResetPotential">Hard-reset potential as a fraction of V_th.</param>
/// <param name="Overwrite">Replace an existing <paramref name="OutPath"/>.</param>
/// <param name="Encoding">
/// The input coding the file is written for, as the user chose it; null takes the converted file's, which must then be
/// direct: Poisson input has no NIR node, so exporting it takes the user's explicit word that their simulator draws the spikes.
/// </param>
public sealed record ExportRequest(string ModelPath, string ConvertedPath, string OutPath, ResetMode Reset, double Alpha = 1,
    float ResetPotential = 0f, bool Overwrite = false, InputCoding? Encoding = null);

/// <summary>The export workflow: the converted SNN of one reset mode and α, written for other simulators, hardware and PyTorch.</summary>
public static class ExportStep
{
    /// <summary>Writes the NIR file of <paramref name="request"/> and says what it holds.</summary>
    /// <exception cref="RmpSnnException">The output exists (without overwrite), the thresholds do not fit, or a node has no NIR form.</exception>
    public static NirExportReport Nir(ExportRequest request) =>
        Run(request, nir: true, (graph, thresholds, neurons, metadata, corrections) => corrections is null
            ? NirExport.Write(request.OutPath, graph, thresholds, neurons, metadata)
            : throw new RmpSnnException($"{request.ConvertedPath}: calibrated (--norm calibrated), and NIR has no per-channel initial " +
                "potential for its potential correction; export a --recipe fast conversion, or --format safetensors"));

    /// <summary>Writes the safetensors file of <paramref name="request"/>; returns the number of tensors.</summary>
    public static int Safetensors(ExportRequest request) =>
        Run(request, nir: false, (graph, thresholds, neurons, metadata, corrections) =>
            SafetensorsExport.Write(request.OutPath, graph, thresholds, neurons, metadata, corrections));

    static T Run<T>(ExportRequest request, bool nir,
        Func<Graph.NetworkGraph, IReadOnlyDictionary<string, float>, NeuronOptions, IReadOnlyDictionary<string, string>,
            IReadOnlyDictionary<string, LayerCorrection>?, T> write)
    {
        if (File.Exists(request.OutPath) && !request.Overwrite)
            throw new RmpSnnException($"{request.OutPath}: exists; pass --force to replace it");
        var (ann, info) = ModelFile.Load(request.ModelPath, CPU);
        using (ann)
        {
            var converted = ConvertStep.Load(request.ConvertedPath, request.ModelPath);
            if (nir && request.Encoding is null && converted.SimulationEncoding == InputCoding.Poisson)
                throw new RmpSnnException($"{request.ConvertedPath}: converted for Poisson input, which has no NIR node; pass --encoding direct " +
                    "to write the SNN for constant-current input, or --encoding poisson to write it for Poisson spike frames that the reading " +
                    "simulator draws itself (rate = pixel intensity in [0, 1]; docs/INTEROP.md)");
            var encoding = request.Encoding ?? converted.SimulationEncoding;
            // Direct input to NIR: the first conv keeps its weights and the reader feeds normalised images, which is exact at the
            // zero-padded border; NIR's per-channel bias cannot hold the folded normalisation's current map there.
            bool normalisedInput = nir && encoding == InputCoding.Direct && !info.Normalization.IsIdentity;
            var graph = Converter.Convert(ann, normalisedInput ? Normalization.Identity(info.Normalization.Channels) : info.Normalization,
                new ConversionOptions(converted.Readout, converted.MaxPool));
            var thresholds = ThresholdBalancer.Scale(converted.ThresholdsFor(request.Reset, info.Spec.Arch, request.ConvertedPath), request.Alpha);
            var neurons = new NeuronOptions(request.Reset, request.ResetPotential, converted.InitialPotential, converted.Signed,
                converted.MaxBurst).Validate();
            var metadata = new Dictionary<string, string>
            {
                ["producer"] = "RmpSnn",
                ["source_model"] = Path.GetFullPath(request.ModelPath),
                ["reset"] = request.Reset.ToString().ToLowerInvariant(),
                ["alpha"] = request.Alpha.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["readout"] = converted.Readout.ToString().ToLowerInvariant(),
                ["input_encoding"] = encoding.ToString().ToLowerInvariant(),
            };
            if (normalisedInput)
            {
                metadata["input_mean"] = string.Join(" ", info.Normalization.Mean.Select(m => m.ToString("R", CultureInfo.InvariantCulture)));
                metadata["input_std"] = string.Join(" ", info.Normalization.Std.Select(s => s.ToString("R", CultureInfo.InvariantCulture)));
            }
            return write(graph, thresholds, neurons, metadata, converted.CorrectionsFor(request.Reset, request.ConvertedPath));
        }
    }
}
