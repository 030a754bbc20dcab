using RmpSnn.Graph;
using RmpSnn.Tests.Data;
using static TorchSharp.torch;

namespace RmpSnn.Tests.Graph;

public class GraphBuilderTests
{
    static GraphBuilder Diamond()
    {
        var g = new GraphBuilder();
        g.Add(new InputNode("in", 1, 4, 4));
        g.Add(new ScaleNode("a", 2), "in");
        g.Add(new ScaleNode("b", 3), "in");
        g.Add(new AddNode("sum"), "a", "b");
        return g.SetOutput("sum");
    }

    [Fact]
    public void NodesComeInTopologicalOrderKeepingTheOrderTheyWereAddedIn()
    {
        var g = new GraphBuilder();
        g.Add(new AddNode("sum"), "a", "b");          // added before its operands
        g.Add(new ScaleNode("b", 3), "in");
        g.Add(new InputNode("in", 1, 4, 4));
        g.Add(new ScaleNode("a", 2), "in");
        var graph = g.SetOutput("sum").Build();
        Assert.Equal(["in", "b", "a", "sum"], graph.Nodes.Select(n => n.Name));
        Assert.Equal(["a", "b"], graph.InputsOf(graph["sum"]).Select(n => n.Name));   // operand order, not topological order
        Assert.Equal(["b", "a"], graph.ConsumersOf(graph["in"]).Select(n => n.Name));
        Assert.Same(graph["sum"], graph.Output);
    }

    [Fact]
    public void EvaluateRunsEveryNodeOnceAndReleasesValuesAfterTheirLastReader()
    {
        var graph = Diamond().Build();
        using var x = ones(1, 1, 4, 4);
        var released = new List<Tensor>();
        using var y = graph.Evaluate(x, (i, operands) => graph.Nodes[i].Forward(operands), released.Add);
        Assert.Equal(5f, y.mean().item<float>());
        Assert.Equal(2, released.Count);                          // a and b, never the input or the output
        Assert.DoesNotContain(released, t => ReferenceEquals(t, x) || ReferenceEquals(t, y));
        foreach (var t in released) t.Dispose();
    }

    [Theory]
    [InlineData("duplicate", "two nodes are named 'a'")]
    [InlineData("unknown", "reads 'nowhere'")]
    [InlineData("arity", "takes 2 operand(s) but is given 1")]
    [InlineData("cycle", "a cycle runs through")]
    [InlineData("dead", "does not lead to the output")]
    [InlineData("no-input", "exactly one input node")]
    public void BrokenGraphsAreOneLineErrorsNamingTheNode(string broken, string expected)
    {
        var g = broken == "no-input" ? new GraphBuilder() : Diamond();
        switch (broken)
        {
            case "duplicate": Assert.Throws<RmpSnnException>(() => g.Add(new ScaleNode("a", 1), "in")); return;
            case "unknown": g.SetInputs("b", "nowhere"); break;
            case "arity": g.SetInputs("sum", "a"); break;
            case "cycle": g.SetInputs("a", "sum"); break;
            case "dead": g.Add(new ScaleNode("unused", 1), "in"); break;
            case "no-input": g.Add(new ScaleNode("a", 1)); g.SetOutput("a"); break;
        }
        UserError.Expect(() => g.Build(), "graph:", expected);
    }

    [Fact]
    public void BypassAndReplaceRewireTheReaders()
    {
        var g = Diamond();
        g.Add(new DropoutNode("drop", 0.5), "sum");
        g.SetOutput("drop");
        g.Bypass("drop");
        Assert.Equal("sum", g.Output);
        g.Replace("a", new ScaleNode("a2", 5), "in");
        var graph = g.Build();
        Assert.Equal(["a2", "b"], graph.InputsOf(graph["sum"]).Select(n => n.Name));
        using var x = ones(1, 1, 4, 4);
        using var y = graph.Evaluate(x, (i, operands) => graph.Nodes[i].Forward(operands));
        Assert.Equal(8f, y.mean().item<float>());
    }

    [Fact]
    public void AReshapeMayInferOneSampleDimension()
    {
        using var x = arange(2 * 3 * 4 * 4, dtype: ScalarType.Float32).view(2, 3, 4, 4);
        using var y = new ReshapeNode("r", [3, -1]).Forward([x]);
        Assert.Equal([2L, 3, 16], y.shape);
    }
}
