using RmpSnn.Graph;

namespace RmpSnn.Conversion.Passes;

/// <summary>
/// Every ReLU, QCFS or clip to [0, max] becomes an IF layer of the same name. An activation whose operand is an Add
/// that feeds nothing else becomes a junction: one IF layer integrating both of the Add's currents. An Add not followed
/// by an activation stays a linear sum of currents.
/// </summary>
internal static class ActivationsToNeurons
{
    public static void Apply(GraphBuilder graph)
    {
        foreach (var activation in graph.Nodes.Where(n => n is ReluNode or QcfsNode or ClipNode).ToArray())
        {
            if (activation is ClipNode { Min: not 0 } clip)
                throw new RmpSnnException(
                    $"{clip}: a clip to [{clip.Min}, {clip.Max}] has no IF equivalent; IF layers convert clips whose lower bound is 0");
            string source = graph.InputsOf(activation.Name)[0];
            if (graph[source] is AddNode && graph.ConsumersOf(source).Count == 1 && source != graph.Output)
            {
                var operands = graph.InputsOf(source).ToArray();
                graph.Replace(activation.Name, new IntegrateFireNode(activation, operands: 2), operands);
                graph.Remove(source);
            }
            else graph.Replace(activation.Name, new IntegrateFireNode(activation), source);
        }
    }
}
