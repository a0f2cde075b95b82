using OnnxDiffusion.Cli.Commands;

namespace OnnxDiffusion.Cli.Tests.Commands;

/// <summary>
/// How CommandRunner sorts failures. A path the account may not read or write is the user's setup (exit 2, one line
/// naming the path); anything else untyped stays a bug (exit 70). Thrown directly: as root, which CI runs as, no chmod
/// makes a folder unreadable, so the CLI cases cannot provoke the real thing here.
/// </summary>
[Collection("console")]
public class CommandRunnerTests
{
    private static (int Code, string Error) Run(Func<int> body)
    {
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        try
        {
            return (CommandRunner.Run(body), err.ToString());
        }
        finally
        {
            Console.SetError(old);
        }
    }

    [Fact]
    public void APermissionErrorIsOneLineNamingThePathWithExitTwo()
    {
        var (code, err) = Run(() => throw new UnauthorizedAccessException("Access to the path '/data/locked' is denied."));
        Assert.Equal(CommandRunner.BadInput, code);
        Assert.Equal("error: Access to the path '/data/locked' is denied.", err.Trim());
    }

    [Fact]
    public void AnUntypedExceptionIsStillABug()
    {
        var (code, err) = Run(() => throw new InvalidOperationException("broken invariant"));
        Assert.Equal(CommandRunner.InternalError, code);
        Assert.StartsWith("internal error: InvalidOperationException: broken invariant", err);
    }
}
