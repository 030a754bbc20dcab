namespace RmpSnn;

/// <summary>
/// An error caused by the user's input (a missing or corrupt file, an invalid option, a model that does not fit).
/// Its message is one line that names the file or option and what was expected; the CLI prints it without a stack trace.
/// </summary>
public class RmpSnnException(string message, Exception? inner = null) : Exception(message, inner);
