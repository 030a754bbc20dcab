using RmpSnn.Experiments;
using Spectre.Console;

namespace RmpSnn.Cli;

/// <summary>Spectre.Console progress bars for long library calls (which report through <see cref="IProgress{T}"/>).</summary>
public static class ConsoleProgress
{
    /// <summary>
    /// Runs a library workflow: each <see cref="WorkflowProgress.Stage"/> it reports gets its own line, with a bar once the
    /// stage reports a total (a spinner-like empty bar until then), elapsed and remaining time.
    /// </summary>
    public static T Workflow<T>(Func<IProgress<WorkflowProgress>, T> work)
    {
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask? task = null;
                string? stage = null;
                void Finish()
                {
                    if (task is null) return;
                    task.IsIndeterminate = false;
                    task.Value = task.MaxValue;
                    task.StopTask();
                }
                result = work(new Reporter<WorkflowProgress>(p =>
                {
                    if (p.Stage != stage)
                    {
                        Finish();
                        if (Console.IsOutputRedirected) AnsiConsole.WriteLine(p.Stage);   // a log shows every stage, even those done before a refresh
                        (stage, task) = (p.Stage, ctx.AddTask(Markup.Escape(p.Stage)));
                        task.IsIndeterminate = true;
                    }
                    if (p.Total > 0) (task!.IsIndeterminate, task.MaxValue, task.Value) = (false, p.Total, p.Done);
                    if (p.Detail is not null) task!.Description = Markup.Escape(p.Detail);
                }));
                Finish();
            });
        return result;
    }
}
