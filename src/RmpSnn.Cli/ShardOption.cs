using System.CommandLine;
using RmpSnn.Data;

namespace RmpSnn.Cli;

/// <summary>The <c>--shard i/n</c> option of simulate and sweep, checked when the command line is parsed.</summary>
public static class ShardOption
{
    /// <summary>Creates the option for <paramref name="command"/> (named in its description).</summary>
    public static Option<string?> Create(string command)
    {
        var option = new Option<string?>("--shard")
        {
            Description = $"Only the i-th of n equal parts of the images (0-based, e.g. 0/4); 'rmpsnn merge' combines the {command} shards",
        };
        option.Validators.Add(r =>
        {
            try { Shard.Parse(r.GetValueOrDefault<string?>() ?? "0/1"); }
            catch (RmpSnnException e) { r.AddError(e.Message); }
        });
        return option;
    }
}
