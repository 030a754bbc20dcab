using PureHDF;
using RmpSnn.Graph;
using RmpSnn.Snn;
using static TorchSharp.torch;

namespace RmpSnn.Export;

/// <summary>What a NIR export wrote and what it could not keep exactly.</summary>
/// <param name="Nodes">NIR nodes written (input and output included).</param>
/// <param name="Edges">NIR edges written.</param>
/// <param name="Notes">One line per approximation (e.g. the first convolution's border currents); empty when the file is exact.</param>
public sealed record NirExportReport(int Nodes, int Edges, IReadOnlyList<string> Notes);

/// <summary>
/// Writes a converted SNN as a NIR graph (HDF5: <c>version</c>, and a <c>node</c> group of type <c>NIRGraph</c> with
/// <c>nodes</c> and <c>edges</c>), the layout NIR 1.0's reference reader reads. The table of what becomes what is
/// <see cref="NirNodes"/>; the mappings that need care:
/// <list type="bullet">
/// <item>NIR spikes are binary, RmpSnn's carry their layer's V_th: every edge out of an IF layer is scaled by that V_th,
/// folded into the next Conv2d/Linear's weights where it feeds one, else written as a <c>Scale</c> node on the edge.</item>
/// <item>NIR fires on <c>v &gt; v_threshold</c>, RmpSnn on <c>V ≥ V_th</c>: the threshold written is the largest float32 below
/// V_th, which makes the two the same for every float32 potential.</item>
/// <item>Hard reset is NIR's <c>IF</c> (r = 1, <c>v_reset</c> = V_reset). NIR 1.0 has no subtractive reset, so soft reset is an
/// Integrator <c>I</c> (r = 1) → <c>Threshold</c> → <c>Scale(−V_th)</c> → back into the Integrator: with the feedback edge read one
/// step later, as a discrete-time simulator treats a cycle, the integrator holds the pre-reset potential and the spike
/// trains are exactly RmpSnn's.</item>
/// <item>An option-A shortcut (strided slice + zero channels) is written as the 1×1 strided Conv2d that selects the same
/// values (exact).</item>
/// </list>
/// </summary>
public static class NirExport
{
    /// <summary>The NIR version written (the reference implementation's release this layout was checked against).</summary>
    public const string Version = "1.0.7";

    /// <summary>
    /// Writes <paramref name="converted"/> (a converted graph) with <paramref name="thresholds"/> (by IF layer name, α already
    /// applied) and <paramref name="neurons"/>' reset to <paramref name="path"/> atomically.
    /// </summary>
    /// <exception cref="RmpSnnException">A node with no NIR form (named, with the supported operations).</exception>
    public static NirExportReport Write(string path, NetworkGraph converted, IReadOnlyDictionary<string, float> thresholds, NeuronOptions neurons,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var nir = NirNodes.Build(converted, thresholds, neurons);
        var nodes = new H5Group();
        foreach (var (name, group) in nir.Nodes) nodes[name] = group;
        var graph = new H5Group
        {
            ["type"] = "NIRGraph",
            ["nodes"] = nodes,
            ["edges"] = Edges(nir.Edges),
        };
        if (metadata is { Count: > 0 })
        {
            var group = new H5Group();
            foreach (var (key, value) in metadata) group[key] = value;
            graph["metadata"] = group;
        }
        var file = new H5File { ["version"] = Version, ["node"] = graph };
        AtomicFile.Write(path, stream => file.Write(stream));
        return new NirExportReport(nir.Nodes.Count, nir.Edges.Count, nir.Notes);
    }

    static string[,] Edges(IReadOnlyList<(string From, string To)> edges)
    {
        var table = new string[edges.Count, 2];
        for (int i = 0; i < edges.Count; i++) (table[i, 0], table[i, 1]) = edges[i];
        return table;
    }
}
