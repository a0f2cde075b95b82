using System.CommandLine;
using OnnxDiffusion.Cli.Commands;

namespace OnnxDiffusion.Cli;

/// <summary>Entry point of the <c>onnxdiffusion</c> executable.</summary>
public static class Program
{
    /// <summary>The command tree: every command and option the executable takes.</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand(
            "OnnxDiffusion — synthesize training datasets with ONNX diffusion models and measure what they are worth.");
        root.Subcommands.Add(ReproduceCommand.Create());
        root.Subcommands.Add(ScheduleCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(ReconstructCommand.Create());
        root.Subcommands.Add(MergeCommand.Create());
        root.Subcommands.Add(MetricsCommand.Create());
        return root;
    }

    /// <summary>Builds the command tree and runs it.</summary>
    public static int Main(string[] args)
    {
        var root = CreateRoot();
        var result = root.Parse(args);
        // Parse errors keep the error contract too: one line, exit 2 (help, when asked for, still prints as usual).
        if (result.Errors.Count > 0 && result.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            string command = result.CommandResult.Command == root ? "" : " " + result.CommandResult.Command.Name;
            return CommandRunner.Fail($"{string.Join("; ", result.Errors.Select(e => e.Message.TrimEnd('.')))} (see onnxdiffusion{command} --help)");
        }
        return result.Invoke();
    }
}
