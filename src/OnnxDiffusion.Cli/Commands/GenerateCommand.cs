using System.CommandLine;
using System.Diagnostics;
using OnnxDiffusion.Data;
using OnnxDiffusion.Pipelines;
using OnnxDiffusion.Synthesis;
using Spectre.Console;

namespace OnnxDiffusion.Cli.Commands;

/// <summary>
/// <c>onnxdiffusion generate</c>: class-conditional samples from noise, written as
/// <c>DIR/&lt;class&gt;/&lt;id&gt;.png</c> plus <c>DIR/grid.png</c> (one row per class).
/// </summary>
public static class GenerateCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var perClass = new Option<int>("--per-class") { Description = "images per class", DefaultValueFactory = _ => 10 };
        var steps = CommonOptions.Steps();
        var sampler = CommonOptions.Sampler();
        var eta = CommonOptions.Eta();
        var guidance = CommonOptions.Guidance();
        var seed = CommonOptions.Seed();
        var batch = CommonOptions.Batch();
        var device = CommonOptions.Device();
        var output = new Option<string>("--out") { Description = "output folder", Required = true };
        var cmd = new Command("generate", "Generate class-conditional samples from noise.")
        {
            model, perClass, steps, sampler, eta, guidance, seed, batch, device, output,
        };
        cmd.SetAction(p => CommandRunner.Run(() =>
        {
            var settings = new PipelineSettings
            {
                ModelDirectory = CommonOptions.Resolve(p.GetValue(model)!),
                Device = CommandRunner.Device(p.GetValue(device)),
                Sampler = p.GetValue(sampler)!,
                Steps = p.GetValue(steps),
                Eta = p.GetValue(eta),
                Guidance = p.GetValue(guidance),
                Seed = p.GetValue(seed),
                BatchSize = p.GetValue(batch),
            };
            return Execute(settings, p.GetValue(perClass), p.GetValue(output)!);
        }));
        return cmd;
    }

    /// <summary>Runs generation and writes the images.</summary>
    public static int Execute(PipelineSettings settings, int perClass, string outDir)
    {
        if (perClass < 1)
            throw new ArgumentException($"--per-class {perClass}: expected an integer ≥ 1");
        using var pipeline = DiffusionPipeline.Open(settings);
        foreach (var notice in pipeline.Notices)
            Console.Error.WriteLine("notice: " + notice);
        var m = pipeline.Manifest;
        int classes = Math.Max(1, m.NumClasses);
        var items = new List<SynthesisItem>();
        for (int c = 0; c < classes; c++)
            for (int i = 0; i < perClass; i++)
                items.Add(new SynthesisItem((long)c * perClass + i, c));

        Directory.CreateDirectory(outDir);
        var writer = new ImageFolderWriter(outDir, m.ClassNames.Count > 0 ? m.ClassNames : ["samples"], m.Channels, m.ImageSize);
        int gridPerClass = Math.Min(perClass, 10);
        var gridImages = new byte[classes * gridPerClass][];
        var sw = Stopwatch.StartNew();
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"generate {items.Count} images ({pipeline.Describe()})", maxValue: items.Count);
                pipeline.Synthesizer.Run(items, pipeline.Timesteps, 1.0, null, settings.Seed, settings.Eta,
                    (item, image) =>
                    {
                        var png = writer.Write(item.Label, item.Id, image);
                        int k = (int)(item.Id % perClass);
                        if (k < gridPerClass)
                            gridImages[item.Label * gridPerClass + k] = png.Pixels;
                    },
                    new Progress<int>(done => task.Value = done));
            });
        double seconds = sw.Elapsed.TotalSeconds;
        writer.WriteGrid("grid.png", gridImages, gridPerClass);
        Console.WriteLine($"wrote {items.Count} images and grid.png to {outDir} in {seconds:F1} s " +
                          $"({items.Count / seconds:F2} images/s, {pipeline.Denoiser.ImageEvaluations / seconds:F1} network evaluations/s)");
        return 0;
    }
}
