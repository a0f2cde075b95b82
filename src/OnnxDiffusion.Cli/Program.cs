using System.CommandLine;
using OnnxDiffusion.Cli.Commands;

namespace OnnxDiffusion.Cli;

/// <summary>Entry point of the <c>onnxdiffusion</c> executable.</summary>
public static class Program
{
    /// <summary>Builds the command tree and runs it.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand(
            "OnnxDiffusion — synthesize training datasets with ONNX diffusion models and measure what they are worth.");
        root.Subcommands.Add(ReproduceCommand.Create());
        root.Subcommands.Add(ScheduleCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(ReconstructCommand.Create());
        root.Subcommands.Add(MergeCommand.Create());
        root.Subcommands.Add(MetricsCommand.Create());
        return root.Parse(args).Invoke();
    }
}
