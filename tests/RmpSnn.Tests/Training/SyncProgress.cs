namespace RmpSnn.Tests.Training;

/// <summary>An <see cref="IProgress{T}"/> that runs the handler synchronously (unlike <see cref="Progress{T}"/>).</summary>
sealed class SyncProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
