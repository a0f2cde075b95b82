using OnnxDiffusion.Kernels;

namespace OnnxDiffusion.Cli.Commands;

/// <summary>
/// Turns library exceptions into the CLI's error contract: one line on stderr naming what is wrong,
/// and a non-zero exit code (2 for bad input, 130 for cancellation).
/// </summary>
public static class CommandRunner
{
    /// <summary>Exit code for invalid input.</summary>
    public const int BadInput = 2;

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
        catch (ArgumentException ex)
        {
            return Fail(ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            return Fail(ex.Message);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
    }

    /// <summary>Parses a --device value, or throws a one-line error.</summary>
    public static DeviceKind Device(string? value) => DeviceKindParser.Parse(value ?? "auto");

    private static int Fail(string message)
    {
        Console.Error.WriteLine("error: " + message.ReplaceLineEndings(" "));
        return BadInput;
    }
}
