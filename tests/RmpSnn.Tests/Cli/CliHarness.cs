using System.CommandLine;
using RmpSnn.Cli;

namespace RmpSnn.Tests.Cli;

/// <summary>
/// Runs CLI commands in-process the way <c>rmpsnn</c> does and captures standard error (callers serialise on
/// <see cref="SerialTorchRng"/>).
/// </summary>
internal static class CliHarness
{
    /// <summary>
    /// Invokes <paramref name="args"/> on a root holding <paramref name="commands"/>; returns the exit code and what
    /// went to standard error.
    /// </summary>
    public static (int Code, string Errors) Run(Command[] commands, params string[] args)
    {
        var root = new RootCommand();
        foreach (var command in commands) root.Subcommands.Add(command);
        var errors = new StringWriter();
        var previous = Console.Error;
        Console.SetError(errors);
        try
        {
            return (CliRunner.Invoke(root, args), errors.ToString());
        }
        finally { Console.SetError(previous); }
    }
}
