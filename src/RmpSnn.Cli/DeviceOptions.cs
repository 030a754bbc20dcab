using TorchSharp;
using System.CommandLine;
using static TorchSharp.torch;

namespace RmpSnn.Cli;

/// <summary><c>--device</c> and <c>--threads</c>: where tensors live and how many CPU threads TorchSharp uses.</summary>
public sealed class DeviceOptions
{
    readonly Option<string> _device = new("--device")
    {
        Description = "cpu, cuda or cuda:N (CUDA needs TorchSharp's CUDA packages)",
        DefaultValueFactory = _ => "cpu",
    };
    readonly Option<int> _threads = new("--threads")
    {
        Description = "CPU threads (0 = LibTorch's default); a simulation on the CPU runs one worker per thread, each on its part of the batch",
    };

    /// <summary>Creates the options with their validators.</summary>
    public DeviceOptions() =>
        _threads.Validators.Add(r =>
        {
            if (OptionValue.TryGet<int>(r, out int v) && v < 0) r.AddError($"--threads {v}: expected 0 (TorchSharp's default) or a positive number");
        });

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_device);
        command.Options.Add(_threads);
    }

    /// <summary>Applies --threads and returns the device.</summary>
    public Device Resolve(ParseResult parse)
    {
        int threads = parse.GetValue(_threads);
        if (threads > 0) set_num_threads(threads);
        string name = parse.GetValue(_device)!;
        try
        {
            var device = new Device(name);
            if (device.type == DeviceType.CUDA && !cuda.is_available())
                throw new RmpSnnException($"--device {name}: CUDA is not available here (install TorchSharp's CUDA packages and a GPU driver)");
            return device;
        }
        catch (ArgumentException)
        {
            throw new RmpSnnException($"--device {name}: expected cpu, cuda or cuda:N");
        }
    }
}
