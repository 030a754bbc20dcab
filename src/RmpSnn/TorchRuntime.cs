using System.Diagnostics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace RmpSnn;

/// <summary>Process-wide native settings for LibTorch on Linux: quieter logging, an allocator that reuses memory, sleeping OpenMP workers.</summary>
public static partial class TorchRuntime
{
    const int MallocTrimThreshold = -1, MallocMmapMax = -4;   // mallopt parameters
    const int MmapMax = 0, TrimThreshold = int.MaxValue;        // no mmap-served blocks, never trim: freed tensors stay mapped

    const string OpenMpWaitPolicy = "PASSIVE";

    /// <summary>
    /// Environment variables that give a child LibTorch process (the PyTorch reference of <c>rmpsnn bench</c>) the same
    /// native settings <see cref="Configure"/> gives this one: glibc's <c>MALLOC_*</c> tunables for the allocator and the
    /// OpenMP wait policy (unless the user set one). Without them the child re-faults the pages of every large tensor.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ChildEnvironment() => new Dictionary<string, string>
    {
        ["MALLOC_MMAP_MAX_"] = MmapMax.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["MALLOC_TRIM_THRESHOLD_"] = TrimThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["OMP_WAIT_POLICY"] = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? OpenMpWaitPolicy,
    };

    /// <summary>
    /// Call once at start-up. (1) Keeps glibc from serving large tensors with fresh <c>mmap</c>s that are returned on
    /// free: a simulation allocates and frees the same few large buffers every chunk of steps, and re-faulting their
    /// pages cost more than the arithmetic (measured: 2.5× wall time at 16 steps × 100 images per chunk).
    /// (2) Raises LibTorch's C++ log level to errors, hiding "Could not initialize NNPACK! Reason: Unsupported hardware",
    /// printed on CPUs without NNPACK; set <c>TORCH_CPP_LOG_LEVEL</c> to keep LibTorch's warnings.
    /// (3) Sets <c>OMP_WAIT_POLICY=PASSIVE</c> (unless already set) before LibTorch loads: idle OpenMP workers then sleep
    /// instead of spinning between ops, which otherwise starve the rest of the step when running with more than one thread
    /// (VGG-16 at 2 threads: 79 → 160 image·steps/s dense, 122 → 189 event-driven; docs/PERFORMANCE.md).
    /// </summary>
    public static void Configure()
    {
        if (!OperatingSystem.IsLinux()) return;
        MallOpt(MallocMmapMax, MmapMax);
        MallOpt(MallocTrimThreshold, TrimThreshold);
        SetEnv("OMP_WAIT_POLICY", OpenMpWaitPolicy, 0);   // the native environment, read by libgomp when LibTorch loads
        if (Environment.GetEnvironmentVariable("TORCH_CPP_LOG_LEVEL") is not null) return;
        using (zeros(1)) { }   // loads LibTorch
        var c10 = Process.GetCurrentProcess().Modules.Cast<ProcessModule>()
            .FirstOrDefault(m => Path.GetFileName(m.FileName) == "libc10.so");
        if (c10 is not null && NativeLibrary.TryLoad(c10.FileName, out var handle)
            && NativeLibrary.TryGetExport(handle, "FLAGS_caffe2_log_level", out var level))
            Marshal.WriteInt32(level, 2);   // 0 info, 1 warning, 2 error
    }

    /// <summary>
    /// Hands the pages of freed native memory back to the system (glibc's <c>malloc_trim(0)</c>); called after every batch
    /// of images by the simulator and the ANN evaluation. With trimming off (<see cref="Configure"/>), blocks freed between batches otherwise stay resident and the
    /// differing sizes of successive batches' buffers fragment the heap: peak memory grew with the number of batches
    /// (narrow VGG-16 at 224², batch 16, T = 4: 1.4–1.8 GB peak for 200 images, 1.85–2.2 GB for 2,000; trimming after
    /// every batch: 1.0 and 1.16 GB; trimming at most every 5 s did not help). It costs one re-fault of the batch's working
    /// set: +25 % wall time in that T = 4 case, below 1 % once a batch runs for tens of steps.
    /// </summary>
    public static void ReleaseFreedMemory()
    {
        if (OperatingSystem.IsLinux()) MallocTrim(0);
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
