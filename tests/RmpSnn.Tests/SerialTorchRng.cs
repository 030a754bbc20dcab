namespace RmpSnn.Tests;

/// <summary>
/// Tests that rely on torch's process-wide random generator (seeded init, dropout) run alone, so no test in another
/// class draws random numbers between their seeding and their use.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTorchRng
{
    public const string Name = "serial torch RNG";
}
