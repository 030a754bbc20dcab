using System.CommandLine;
using RmpSnn.Data;

namespace RmpSnn.Cli;

/// <summary>The options that pick a dataset split (shared by train, eval, convert, simulate).</summary>
public sealed class DataOptions
{
    readonly Option<string?> _dataset = new("--dataset")
    {
        Description = $"Dataset: {string.Join(", ", DatasetCatalog.Names)} (default: the model's)",
    };
    readonly Option<string?> _root = new("--root")
    {
        Description = "Folder holding the dataset files (default: the dataset's standard place, or $RMPSNN_DATA)",
    };
    readonly Option<string> _split;
    readonly Option<int> _val = new("--val")
    {
        Description = "Training images held out as the 'val' split (seeded; default: the model's)",
        DefaultValueFactory = _ => -1,
    };
    readonly Option<int> _limit = new("--limit") { Description = "Use only the first N images (0 = all)" };
    readonly Option<bool> _strict = new("--strict") { Description = "Image folders: an unreadable file is an error (default: left out and counted)" };

    /// <summary>Creates the options; <paramref name="defaultSplit"/> is the split used when --split is not given.</summary>
    public DataOptions(string defaultSplit)
    {
        _split = new Option<string>("--split")
        {
            Description = "train, test or val (the held-out part of train)",
            DefaultValueFactory = _ => defaultSplit,
        };
        _limit.Validators.Add(r =>
        {
            if (OptionValue.TryGet<int>(r, out int v) && v < 0) r.AddError("--limit: expected 0 (all) or a positive number");
        });
    }

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _dataset, _root, _split, _val, _limit, _strict }) command.Options.Add(option);
    }

    /// <summary>The selection the user asked for; unset values fall back to the model's training data.</summary>
    public DatasetSelection Selection(ParseResult parse, string? modelDataset = null, int modelValidation = 0, int seed = 0)
    {
        string dataset = parse.GetValue(_dataset) ?? modelDataset
            ?? throw new RmpSnnException("--dataset: required (the model does not say which dataset it was trained on)");
        int val = parse.GetValue(_val);
        return new DatasetSelection(dataset, parse.GetValue(_root), parse.GetValue(_split)!, val < 0 ? modelValidation : val, seed,
            parse.GetValue(_limit), Strict: parse.GetValue(_strict));
    }

    /// <summary>Says, in one yellow line, how many unreadable image files were left out of <paramref name="images"/>.</summary>
    public static void WarnUnreadable(ImageDataset images)
    {
        if (images.Unreadable.Count > 0)
            Spectre.Console.AnsiConsole.MarkupLine(Spectre.Console.Markup.Escape(
                $"warning: {images.Unreadable.Count} unreadable image file(s) left out of {images.Name} (first: {images.Unreadable[0]}); " +
                "--strict makes this an error").Insert(0, "[yellow]") + "[/]");
    }
}
