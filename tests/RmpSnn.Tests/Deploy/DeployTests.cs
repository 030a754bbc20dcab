using System.Diagnostics;
using RmpSnn.Cli;
using RmpSnn.Cli.Commands;
using RmpSnn.Data;
using RmpSnn.Models;
using RmpSnn.Tests.Cli;
using YamlDotNet.RepresentationModel;

namespace RmpSnn.Tests.Deploy;

/// <summary>
/// The scheduler files in deploy/: the Kubernetes Jobs parse and agree with each other (shard count, paths, volume), and
/// the Slurm array's shard loop, run locally as processes of the built CLI, merges into the whole run's numbers.
/// </summary>
[Collection(SerialTorchRng.Name)]   // redirects Console.Error
public sealed class DeployTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("rmpsnn-deploy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static string Deploy(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "deploy", relative))) return Path.Combine(dir.FullName, "deploy", relative);
        throw new FileNotFoundException($"deploy/{relative} not found above {AppContext.BaseDirectory}");
    }

    static YamlMappingNode Job(string file)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Deploy(Path.Combine("k8s", file)))) yaml.Load(reader);
        var job = (YamlMappingNode)yaml.Documents.Single().RootNode;
        Assert.Equal("batch/v1", Text(job, "apiVersion"));
        Assert.Equal("Job", Text(job, "kind"));
        return job;
    }

    static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => int.TryParse(key, out int i) ? ((YamlSequenceNode)n)[i] : ((YamlMappingNode)n)[key]);

    static string Text(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    static YamlMappingNode Container(YamlMappingNode job) => (YamlMappingNode)At(job, "spec", "template", "spec", "containers", "0");

    static string Script(YamlMappingNode job) => Text(Container(job), "args", "0");

    [Fact]
    public void TheKubernetesJobsAgreeOnShardsPathsAndVolume()
    {
        var (convert, simulate, merge) = (Job("convert-job.yaml"), Job("simulate-job.yaml"), Job("merge-job.yaml"));
        Assert.Equal("Indexed", Text(simulate, "spec", "completionMode"));
        int completions = int.Parse(Text(simulate, "spec", "completions"));
        var env = ((YamlSequenceNode)Container(simulate)["env"]).Cast<YamlMappingNode>().ToDictionary(e => Text(e, "name"), e => Text(e, "value"));
        Assert.Equal(completions, int.Parse(env["SHARD_COUNT"]));
        Assert.True(int.Parse(Text(simulate, "spec", "parallelism")) <= completions);

        string simulateScript = Script(simulate);
        Assert.StartsWith("rmpsnn simulate /work/model/net.model", simulateScript);
        Assert.Contains("--shard \"$JOB_COMPLETION_INDEX/$SHARD_COUNT\"", simulateScript);
        Assert.StartsWith("rmpsnn convert /work/model/net.model", Script(convert));
        string shards = simulateScript.Split(' ').SkipWhile(w => w != "--out").Skip(1).First();
        Assert.StartsWith($"rmpsnn merge {shards} --out ", Script(merge));
        foreach (var job in new[] { convert, simulate, merge })
        {
            Assert.Equal("rmpsnn-work", Text(job, "spec", "template", "spec", "volumes", "0", "persistentVolumeClaim", "claimName"));
            Assert.Equal("/work", Text(Container(job), "volumeMounts", "0", "mountPath"));
            Assert.Equal("Never", Text(job, "spec", "template", "spec", "restartPolicy"));
        }
    }

    [Fact]
    public void TheSlurmShardLoopRunLocallyMergesIntoTheWholeRun()
    {
        string model = Path.Combine(_dir, "tiny.model");
        using (var network = ModelZoo.Create(new ModelSpec("smallcnn", 1, 28, 10), seed: 4))
            ModelFile.Save(model, network,
                new ModelInfo(network.Spec, DatasetCatalog.DefaultNormalization("fashion-mnist-sample"), "fashion-mnist-sample"));
        System.CommandLine.Command[] commands = [ConvertCommand.Create(), SimulateCommand.Create()];
        string[] simulate = ["--steps", "8", "--limit", "30", "--alpha", "1"];
        Assert.Equal(CliRunner.Ok, CliHarness.Run(commands, "convert", model, "--norm", "act-max", "--calib-images", "20").Code);
        var (code, errors) = CliHarness.Run(commands, ["simulate", model, .. simulate, "--out", Path.Combine(_dir, "whole")]);
        Assert.True(code == CliRunner.Ok, errors);

        var run = new ProcessStartInfo("bash", [Deploy(Path.Combine("slurm", "run-local.sh"))]) { RedirectStandardError = true, RedirectStandardOutput = true };
        run.Environment["MODEL"] = model;
        run.Environment["SHARDS"] = "3";
        run.Environment["OUT"] = Path.Combine(_dir, "slurm");
        run.Environment["ARGS"] = string.Join(" ", simulate);
        run.Environment["RMPSNN"] = Path.Combine(AppContext.BaseDirectory, "RmpSnn.Cli");
        using var process = Process.Start(run)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "run-local.sh did not finish in 5 minutes");
        Assert.True(process.ExitCode == 0, output);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(_dir, "slurm", "shards"), "shard-*-of-3.json").Length);
        foreach (var file in new[] { "accuracy.csv", "layers.csv" })
            Assert.Equal(File.ReadAllText(Path.Combine(_dir, "whole", file)), File.ReadAllText(Path.Combine(_dir, "slurm", "merged", file)));
    }
}
