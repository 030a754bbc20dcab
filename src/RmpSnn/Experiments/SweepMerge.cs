using System.Text.Json;
using RmpSnn.Conversion;
using RmpSnn.Data;
using RmpSnn.Evaluation;

namespace RmpSnn.Experiments;

/// <summary>
/// The folders of one sweep run with <c>--shard i/n</c>, added up into the sweep folder of one run over all images: the
/// same settings (without the shard), thresholds and cells, with every configuration's counts summed.
/// </summary>
public static class SweepMerge
{
    /// <summary>
    /// Merges the shard folders <paramref name="folders"/> into <paramref name="outFolder"/> (sweep.json, CSVs and the
    /// cached converted models; figures are the caller's). Refuses unfinished, missing, duplicate or foreign shards.
    /// </summary>
    public static SweepFile Merge(IReadOnlyList<string> folders, string outFolder)
    {
        var parts = folders.Select(f => (Folder: f, File: SweepFile.Load(f) ?? throw new RmpSnnException($"{f}: holds no {SweepFile.FileName}"),
            Shard: default(Shard))).ToArray();
        for (int i = 0; i < parts.Length; i++)
            parts[i].Shard = parts[i].File.Settings.Shard is { } text ? Shard.Parse(text)
                : throw new RmpSnnException($"{Path.Combine(parts[i].Folder, SweepFile.FileName)}: a whole sweep, not a shard of one");
        var (firstFolder, first, firstShard) = parts[0];
        foreach (var (folder, file, shard) in parts)
        {
            if (shard.Count != firstShard.Count)
                throw new RmpSnnException($"{folder}: shard {shard} of {shard.Count}, but {firstFolder} is one of {firstShard.Count}");
            if (first.FirstDifference(file.Settings with { Shard = first.Settings.Shard }) is var (name, have, other))
                throw new RmpSnnException($"{folder}: another sweep than {firstFolder} ({name} = {other}, not {have})");
            if (!file.Finished) throw new RmpSnnException($"{folder}: shard {shard} is not finished; run its sweep to the end first");
        }
        foreach (var group in parts.GroupBy(p => p.Shard.Index).Where(g => g.Count() > 1))
            throw new RmpSnnException($"shard {group.Key}/{firstShard.Count} given twice: {string.Join(", ", group.Select(p => p.Folder))}");
        var missing = Enumerable.Range(0, firstShard.Count).Except(parts.Select(p => p.Shard.Index)).ToArray();
        if (missing.Length > 0)
            throw new RmpSnnException($"missing shard(s) {string.Join(", ", missing.Select(i => $"{i}/{firstShard.Count}"))} of {firstFolder}'s sweep");
        if (SweepFile.Load(outFolder) is not null)
            throw new RmpSnnException($"{Path.Combine(outFolder, SweepFile.FileName)}: exists; merge into a new folder");

        var ordered = parts.OrderBy(p => p.Shard.Index).ToArray();
        var cells = first.Cells.Select(cell =>
        {
            string thresholds = Thresholds(firstFolder, cell.Converted);
            foreach (var (folder, _, _) in ordered)
                if (Thresholds(folder, cell.Converted) != thresholds)
                    throw new RmpSnnException($"{Path.Combine(folder, cell.Converted)}: other thresholds than {Path.Combine(firstFolder, cell.Converted)}");
            var shardCells = ordered.Select(p => p.File.Cells.Single(c => c.Norm == cell.Norm && c.Encoding == cell.Encoding)).ToArray();
            return cell with
            {
                Seconds = shardCells.Sum(c => c.Seconds),
                Runs = cell.Runs.Select(run => run with
                {
                    Result = StoredResult.Sum(shardCells.Select(c => c.Find(run.Reset, run.Alpha)!.Result).ToArray()),
                }).ToArray(),
            };
        }).ToArray();
        int total = first.Settings.Images;
        long annCorrect = ordered.Sum(p => (long)Math.Round(p.File.AnnAccuracy / 100 * p.Shard.Range(total).Length));
        string suffix = $" [shard {firstShard}]";
        var merged = new SweepFile(first.Settings with { Shard = null }, first.Model, first.Arch,
            first.DatasetName.EndsWith(suffix, StringComparison.Ordinal) ? first.DatasetName[..^suffix.Length] : first.DatasetName,
            100 * ((double)annCorrect / total), cells);
        Directory.CreateDirectory(outFolder);
        foreach (var cell in cells) File.Copy(Path.Combine(firstFolder, cell.Converted), Path.Combine(outFolder, cell.Converted), overwrite: true);
        Sweep.Write(outFolder, merged);
        return merged;
    }

    static string Thresholds(string folder, string converted) =>
        JsonSerializer.Serialize(BalancedThresholds.Load(Path.Combine(folder, converted)).Thresholds);
}
