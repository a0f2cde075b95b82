using System.CommandLine;
using OnnxDiffusion.Data;
using OnnxDiffusion.Pipelines;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Cli.Commands;

/// <summary>
/// <c>onnxdiffusion reconstruct</c>: each real image of a class-balanced subset is noised to the start step of
/// strength S and denoised with its own label. S = 0 returns the real images pixel for pixel; S = 1 is
/// generation from pure noise (with the subset's labels).
/// </summary>
public static class ReconstructCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var o = new SynthesisOptions();
        var cmd = new Command("reconstruct", "Noise real images to strength S and denoise them back (img2img).");
        o.AddTo(cmd, reconstruct: true);
        cmd.SetAction(p => CommandRunner.Run(() => Execute(o.Settings(p), o.Data(p), o.Split(p), o.PerClass(p), o.Strength(p), o.Out(p), o.Shard(p), o.Resize(p))));
        return cmd;
    }

    /// <summary>Runs reconstruction into <paramref name="outDir"/>.</summary>
    public static int Execute(PipelineSettings settings, string dataDir, string split, int perClass, double strength, string outDir,
        ShardSpec? shard = null, bool resize = false)
    {
        var sh = shard ?? ShardSpec.All;
        if (!(strength >= 0 && strength <= 1))
            throw new ConfigException($"--strength {strength}: expected a number in [0, 1]");
        if (split is not ("train" or "test"))
            throw new ConfigException($"--split '{split}': expected train or test");
        using var pipeline = DiffusionPipeline.Open(settings);
        // Before the notices: the missing encoder is then said once, as the error.
        if (!pipeline.CanReconstruct)
            throw new ConfigException($"reconstruct: {settings.ModelDirectory} has no vae_encoder/model.onnx, so real images cannot be encoded into latents (generate works)");
        SynthesisOptions.PrintNotices(pipeline);
        var m = pipeline.Manifest;
        // Everything is validated before the output folder is touched: a bad input writes nothing.
        var real = ModelDataset.Load(m, dataDir, split, resize, settings.ModelDirectory);
        var subset = ClassBalancedSubset.Select(real, perClass, settings.Seed);
        var items = SynthesisPlan.Reconstruction(subset, real.Labels);
        var source = new SourceSpec { Dataset = Path.GetFileName(Path.GetFullPath(dataDir).TrimEnd('/')), Split = split, SplitSize = real.Count, Resize = real.Resized };
        // Each image is filed under its source's class: the model's names, or the data's when the model has none.
        var recipe = SynthesisRun.Recipe(pipeline, "reconstruct", perClass, items.Count, strength, source, sh, real.ClassNames);
        var summary = ProgressDisplay.Run($"reconstruct s={strength} ({pipeline.Describe()})",
            report => SynthesisRun.Execute(pipeline, recipe, items, real, outDir, sh, report));
        SynthesisOptions.PrintSummary(summary, outDir);
        return 0;
    }
}
