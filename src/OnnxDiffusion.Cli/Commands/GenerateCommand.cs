using System.CommandLine;
using OnnxDiffusion.Pipelines;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Cli.Commands;

/// <summary>
/// <c>onnxdiffusion generate</c>: class-conditional samples from noise into a synthetic dataset folder
/// (<c>DIR/&lt;class&gt;/&lt;id&gt;.png</c>, manifest.jsonl, dataset.json, grid.png). Resumable and shardable. An
/// unconditional model cannot make labelled samples: it needs <c>--unlabelled</c>, which files them all under "samples".
/// </summary>
public static class GenerateCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var o = new SynthesisOptions();
        var cmd = new Command("generate", "Generate class-conditional samples from noise (--unlabelled for an unconditional model).");
        o.AddTo(cmd, reconstruct: false);
        cmd.SetAction(p => CommandRunner.Run(() => Execute(o.Settings(p), o.PerClass(p), o.Out(p), o.Shard(p), o.Unlabelled(p), o.Classes(p))));
        return cmd;
    }

    /// <summary>Runs generation into <paramref name="outDir"/>.</summary>
    /// <param name="settings">The pipeline.</param>
    /// <param name="perClass">Images per class.</param>
    /// <param name="outDir">The dataset folder.</param>
    /// <param name="shard">The ids this process makes.</param>
    /// <param name="unlabelled">An unconditional model's samples, under "samples".</param>
    /// <param name="classes">A text-to-image model's classes (one prompt each); required for such a model only.</param>
    public static int Execute(PipelineSettings settings, int perClass, string outDir, ShardSpec? shard = null, bool unlabelled = false,
        IReadOnlyList<string>? classes = null)
    {
        if (perClass < 1)
            throw new ConfigException($"--per-class {perClass}: expected an integer ≥ 1");
        var sh = shard ?? ShardSpec.All;
        using var pipeline = DiffusionPipeline.Open(settings);
        SynthesisOptions.PrintNotices(pipeline);
        var m = pipeline.Manifest;
        if (classes is not null && m.Text is null)
            throw new ConfigException($"--classes: {settings.ModelDirectory} is not a text-to-image model; its classes are {(m.IsConditional ? "its class labels" : "none (unconditional)")}");
        if (m.Text is not null && classes is null)
            throw new ConfigException(
                $"generate: {settings.ModelDirectory} is a text-to-image model: name the classes to prompt for with --classes (e.g. --classes cat,dog: each gets \"{pipeline.PromptTemplate}\")");
        var names = classes ?? (m.IsConditional ? m.ClassNames : ["samples"]);
        if (!m.TakesClasses && !unlabelled)
            throw new ConfigException(
                $"generate: {settings.ModelDirectory} is an unconditional model, so its samples have no class: pass --unlabelled to write them under one folder 'samples', or use reconstruct (each image keeps its source's label)");
        if (m.TakesClasses && unlabelled)
            throw new ConfigException($"--unlabelled: {settings.ModelDirectory} is class-conditional; its samples are labelled (leave out --unlabelled)");
        ResourceLimits.CheckImageCount("--per-class", perClass, (long)perClass * names.Count);
        var items = SynthesisPlan.Generation(names.Count, perClass);
        var recipe = SynthesisRun.Recipe(pipeline, "generate", perClass, items.Count, 1.0, null, sh, names);
        var summary = ProgressDisplay.Run($"generate ({pipeline.Describe()})",
            report => SynthesisRun.Execute(pipeline, recipe, items, null, outDir, sh, report));
        SynthesisOptions.PrintSummary(summary, outDir);
        return 0;
    }
}
