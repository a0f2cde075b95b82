using OnnxDiffusion.Kernels;

namespace OnnxDiffusion.Cli.Commands;

/// <summary>
/// The CLI's error contract. A condition the user can cause arrives as an <see cref="OnnxDiffusionException"/> and becomes
/// one line on stderr naming the file, key or option, with exit code 2. Anything else is a bug in this program: one line
/// saying so, with the path of a log file that holds the trace (exit code 70), so that neither a user error hides as a
/// bug nor a bug as a user error, and no trace reaches the terminal.
/// </summary>
public static class CommandRunner
{
    /// <summary>Exit code for invalid input.</summary>
    public const int BadInput = 2;

    /// <summary>Exit code for a program bug (sysexits' EX_SOFTWARE).</summary>
    public const int InternalError = 70;

    /// <summary>Exit code after Ctrl-C.</summary>
    public const int Cancelled = 130;

    /// <summary>Runs <paramref name="body"/> and maps its failures to exit codes.</summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (OnnxDiffusionException ex)
        {
            return Fail(ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            // A folder or file the user's account may not read or write: their setup, not a bug; the message names the path.
            return Fail(ex.Message);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return Cancelled;
        }
        catch (Exception ex)
        {
            return Bug(ex);
        }
    }

    /// <summary>Parses a --device value, or throws a one-line error.</summary>
    public static DeviceKind Device(string? value)
    {
        try
        {
            return DeviceKindParser.Parse(value ?? "auto");
        }
        catch (ArgumentException ex)
        {
            throw new ConfigException("--" + ex.Message);
        }
    }

    /// <summary>Prints one bad-input line and returns <see cref="BadInput"/>.</summary>
    public static int Fail(string message)
    {
        Console.Error.WriteLine("error: " + message.ReplaceLineEndings(" "));
        return BadInput;
    }

    private static int Bug(Exception ex)
    {
        string where;
        try
        {
            string dir = Path.Combine(Path.GetTempPath(), "onnxdiffusion");
            Directory.CreateDirectory(dir);
            where = Path.Combine(dir, $"crash-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log");
            File.WriteAllText(where, $"onnxdiffusion {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}\n{ex}\n");
        }
        catch (Exception logFailure) when (logFailure is IOException or UnauthorizedAccessException)
        {
            where = "(no log: " + logFailure.Message.ReplaceLineEndings(" ") + ")";
        }
        Console.Error.WriteLine($"internal error: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")} — this is a bug in onnxdiffusion; the trace is in {where}");
        return InternalError;
    }
}
