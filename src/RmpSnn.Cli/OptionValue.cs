using System.CommandLine.Parsing;

namespace RmpSnn.Cli;

/// <summary>Reads an option's value inside a validator without throwing on a token that does not parse.</summary>
internal static class OptionValue
{
    /// <summary>
    /// The value of <paramref name="result"/>, or false when its token is not a <typeparamref name="T"/> (say "1e9" for an
    /// integer): the parser reports that itself as a usage error, so the validator has nothing to add.
    /// </summary>
    public static bool TryGet<T>(OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }
}
