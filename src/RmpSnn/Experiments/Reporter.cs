namespace RmpSnn.Experiments;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls back synchronously on the reporting thread (<see cref="Progress{T}"/> posts
/// to a context).
/// </summary>
public sealed class Reporter<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc/>
    public void Report(T value) => report(value);
}
