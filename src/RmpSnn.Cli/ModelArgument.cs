using System.CommandLine;
using RmpSnn.Data;
using RmpSnn.Models;

namespace RmpSnn.Cli;

/// <summary>The MODEL argument, and the dataset selection a model file implies (its dataset and --val carve-out).</summary>
public static class ModelArgument
{
    /// <summary>Creates the positional MODEL argument.</summary>
    public static Argument<string> Create() => new("MODEL") { Description = "Model file written by 'rmpsnn train' (or 'rmpsnn import')" };

    /// <summary>Loads the model named by <paramref name="model"/> onto <paramref name="device"/>.</summary>
    public static (string Path, Network Network, ModelInfo Info) Load(ParseResult parse, Argument<string> model, TorchSharp.torch.Device device)
    {
        string path = parse.GetValue(model)!;
        var (network, info) = ModelFile.Load(path, device);
        return (path, network, info);
    }

    /// <summary>Training-time held-out size and seed recorded in the model file (0, 0 if none).</summary>
    public static (int Validation, int Seed) Carve(ModelInfo info) =>
        (int.TryParse(info.Metadata?.GetValueOrDefault("val"), out int v) ? v : 0,
         int.TryParse(info.Metadata?.GetValueOrDefault("valSeed"), out int s) ? s : 0);

    /// <summary>The user's selection with the model's dataset and carve-out as defaults.</summary>
    public static DatasetSelection Selection(DataOptions data, ParseResult parse, ModelInfo info)
    {
        var (validation, seed) = Carve(info);
        return data.Selection(parse, info.Dataset, validation, seed);
    }
}
