using System.CommandLine;
using Spectre.Console;

namespace RmpSnn.Cli;

/// <summary>Exit codes and error reporting shared by every command: 0 ok, 1 runtime failure, 2 bad usage.</summary>
public static class CliRunner
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>The command ran but failed (bad file, missing data, …).</summary>
    public const int Failure = 1;
    /// <summary>The command line itself is wrong.</summary>
    public const int Usage = 2;

    /// <summary>Parses and runs; parse errors print one line each and return <see cref="Usage"/>.</summary>
    public static int Invoke(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {Describe(error)}");
            var command = parse.CommandResult.Command;
            Console.Error.WriteLine($"Run 'rmpsnn {(command is RootCommand ? "" : command.Name + " ")}--help' for usage.");
            return Usage;
        }
        return parse.Invoke();
    }

    /// <summary>The parse error, prefixed with the option it concerns when the message does not name it already.</summary>
    static string Describe(System.CommandLine.Parsing.ParseError error)
    {
        var option = error.SymbolResult switch
        {
            System.CommandLine.Parsing.OptionResult o => o.Option,
            System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult o } => o.Option,
            _ => null,
        };
        return option is null || error.Message.StartsWith(option.Name) ? error.Message : $"{option.Name}: {error.Message}";
    }

    /// <summary>Wraps a command body: user errors print one line (no stack trace) and return <see cref="Failure"/>.</summary>
    public static void SetAction(Command command, Func<ParseResult, CancellationToken, int> body)
    {
        command.SetAction((parse, cancel) => Task.FromResult(Run(() => body(parse, cancel))));
    }

    static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (RmpSnnException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Failure;
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]cancelled[/]: finished work was saved");
            return Failure;
        }
    }
}
