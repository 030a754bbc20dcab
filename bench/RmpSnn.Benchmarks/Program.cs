using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Micro-benchmarks of the simulation engine's building blocks. Short in-process runs (no per-benchmark project build):
//   dotnet run -c Release --project bench/RmpSnn.Benchmarks -- --filter '*'
RmpSnn.TorchRuntime.Configure();
var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
BenchmarkSwitcher.FromAssembly(typeof(RmpSnn.Benchmarks.IfLayerBenchmarks).Assembly).Run(args, config);
