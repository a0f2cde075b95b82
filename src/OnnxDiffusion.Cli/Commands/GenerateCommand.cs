using System.CommandLine;
using OnnxDiffusion.Pipelines;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Cli.Commands;

/// <summary>
/// <c>onnxdiffusion generate</c>: class-conditional samples from noise into a synthetic dataset folder
/// (<c>DIR/&lt;class&gt;/&lt;id&gt;.png</c>, manifest.jsonl, dataset.json, grid.png). Resumable and shardable.
/// </summary>
public static class GenerateCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var o = new SynthesisOptions();
        var cmd = new Command("generate", "Generate class-conditional samples from noise.");
        o.AddTo(cmd, reconstruct: false);
        cmd.SetAction(p => CommandRunner.Run(() => Execute(o.Settings(p), o.PerClass(p), o.Out(p), o.Shard(p))));
        return cmd;
    }

    /// <summary>Runs generation into <paramref name="outDir"/>.</summary>
    public static int Execute(PipelineSettings settings, int perClass, string outDir, ShardSpec? shard = null)
    {
        if (perClass < 1)
            throw new ConfigException($"--per-class {perClass}: expected an integer ≥ 1");
        var sh = shard ?? ShardSpec.All;
        using var pipeline = DiffusionPipeline.Open(settings);
        SynthesisOptions.PrintNotices(pipeline);
        int classes = Math.Max(1, pipeline.Manifest.NumClasses);
        ResourceLimits.CheckImageCount("--per-class", perClass, (long)perClass * classes);
        var items = new List<SynthesisItem>();
        for (int c = 0; c < classes; c++)
            for (int i = 0; i < perClass; i++)
                items.Add(new SynthesisItem((long)c * perClass + i, c));
        var recipe = SynthesisRun.Recipe(pipeline, "generate", perClass, items.Count, 1.0, null, sh);
        var summary = ProgressDisplay.Run($"generate ({pipeline.Describe()})",
            report => SynthesisRun.Execute(pipeline, recipe, items, null, outDir, sh, report));
        SynthesisOptions.PrintSummary(summary, outDir);
        return 0;
    }
}
