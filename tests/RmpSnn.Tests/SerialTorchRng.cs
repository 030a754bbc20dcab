namespace RmpSnn.Tests;

/// <summary>
/// Tests that rely on process-wide state run alone: torch's random generator (seeded init, dropout), so no test in another
/// class draws random numbers between their seeding and their use, standard error (redirected) and the managed heap (measured).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTorchRng
{
    public const string Name = "serial torch RNG";
}
