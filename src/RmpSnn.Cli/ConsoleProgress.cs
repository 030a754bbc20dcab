using Spectre.Console;

namespace RmpSnn.Cli;

/// <summary>Spectre.Console progress bars for long library calls (which report through <see cref="IProgress{T}"/>).</summary>
public static class ConsoleProgress
{
    /// <summary>Runs <paramref name="work"/> under one progress bar; the callback sets (done, total, description).</summary>
    public static T Run<T>(string title, Func<Action<double, double, string?>, T> work)
    {
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title));
                result = work((done, total, description) =>
                {
                    task.MaxValue = Math.Max(total, 1);
                    task.Value = done;
                    if (description is not null) task.Description = Markup.Escape(description);
                });
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>An <see cref="IProgress{T}"/> that calls back synchronously on the reporting thread.</summary>
    public sealed class Callback<T>(Action<T> report) : IProgress<T>
    {
        /// <inheritdoc/>
        public void Report(T value) => report(value);
    }
}
