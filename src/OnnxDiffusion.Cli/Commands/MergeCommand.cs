using System.CommandLine;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Cli.Commands;

/// <summary><c>onnxdiffusion merge</c>: validates and joins the folders of a sharded generate/reconstruct run.</summary>
public static class MergeCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "merged dataset folder (new or empty; rerun to finish an interrupted merge)", Required = true }.NonEmpty();
        var shards = new Argument<string[]>("shards") { Description = "the shard output folders", Arity = ArgumentArity.OneOrMore }.NonEmpty();
        var cmd = new Command("merge", "Join the outputs of --shard i/n runs into one dataset.") { output, shards };
        cmd.SetAction(p => CommandRunner.Run(() =>
        {
            int n = DatasetMerger.Merge(p.GetValue(output)!, p.GetValue(shards)!);
            Console.WriteLine($"{p.GetValue(output)}: merged {n} images from {p.GetValue(shards)!.Length} shards");
            return 0;
        }));
        return cmd;
    }
}
