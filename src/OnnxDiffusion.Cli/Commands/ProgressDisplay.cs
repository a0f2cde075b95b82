using Spectre.Console;

namespace OnnxDiffusion.Cli.Commands;

/// <summary>A Spectre.Console progress bar around long work (plain when output is not a terminal).</summary>
internal static class ProgressDisplay
{
    /// <summary>Runs <paramref name="body"/>, which reports (done, total) through the callback it is given.</summary>
    public static T Run<T>(string description, Func<Action<int, int>, T> body)
    {
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(description, maxValue: 1);
                result = body((done, total) =>
                {
                    task.MaxValue = Math.Max(1, total);
                    task.Value = total == 0 ? 1 : done;
                });
            });
        return result;
    }
}
