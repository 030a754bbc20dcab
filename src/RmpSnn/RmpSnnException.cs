namespace RmpSnn;

/// <summary>
/// An error caused by the user's input (a missing or corrupt file, an invalid option, a model that does not fit).
/// Its message is one line that names the file or option and what was expected; the CLI prints it without a stack trace.
/// Control characters (line breaks, or bytes of a corrupt file quoted in the message) are shown as '?', so it stays one line.
/// </summary>
public class RmpSnnException(string message, Exception? inner = null) : Exception(OneLine(message), inner)
{
    static string OneLine(string message) =>
        message.Any(char.IsControl) ? string.Concat(message.Select(c => char.IsControl(c) ? '?' : c)) : message;
}
