using RmpSnn.Experiments;
using Spectre.Console;

namespace RmpSnn.Cli;

/// <summary>Spectre.Console progress bars for long library calls (which report through <see cref="IProgress{T}"/>).</summary>
public static class ConsoleProgress
{
    /// <summary>
    /// Runs a library workflow: each <see cref="WorkflowProgress.Stage"/> it reports gets its own line, with a bar once the
    /// stage reports a total (a spinner-like empty bar until then), elapsed and remaining time. Output redirected to a
    /// file gets plain lines instead: each stage once, then its detail at every further tenth of its total and at least
    /// once a minute while it advances.
    /// </summary>
    public static T Workflow<T>(Func<IProgress<WorkflowProgress>, T> work)
    {
        if (Console.IsOutputRedirected) return work(Plain());
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

    /// <summary>Progress as log lines: a stage when it starts, then its detail each time a further tenth is done or a minute passed.</summary>
    static Reporter<WorkflowProgress> Plain()
    {
        const double Interval = 60;
        string? stage = null;
        int tenths = 0;
        double last = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        return new Reporter<WorkflowProgress>(p =>
        {
            if (p.Stage != stage)
            {
                (stage, tenths, last) = (p.Stage, 0, 0);
                clock.Restart();
                Console.WriteLine(p.Stage);
            }
            double now = clock.Elapsed.TotalSeconds;
            if (p.Total > 0 && (int)(10 * p.Done / p.Total) is var reached && (reached > tenths || now - last >= Interval))
            {
                (tenths, last) = (reached, now);
                Console.WriteLine($"  {p.Detail ?? p.Stage}: {100 * p.Done / p.Total:0}% ({now:0} s)");
            }
        });
    }
}
