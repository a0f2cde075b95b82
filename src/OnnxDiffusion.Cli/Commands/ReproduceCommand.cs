using OnnxDiffusion.Data;
using System.CommandLine;
using System.Globalization;
using OnnxDiffusion.Experiments.Plan;
using OnnxDiffusion.Experiments.Reporting;
using OnnxDiffusion.Experiments.Running;
using OnnxDiffusion.Metrics;
using OnnxDiffusion.Synthesis;
using Spectre.Console;

namespace OnnxDiffusion.Cli.Commands;

/// <summary>
/// <c>onnxdiffusion reproduce</c>: the paper's experiment end to end on a model and a dataset — reconstruction
/// sweep, classifiers on real / synthetic / real+synthetic, distribution metrics, report.
/// </summary>
public static class ReproduceCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var profile = new Option<string>("--profile") { Description = "quick (smoke, 2 replicates) | default (3 replicates, ≤ 10 min on 2 cores) | paper (default + the resnet18 classifier) | full (GPU-sized)", DefaultValueFactory = _ => "default" };
        var planFile = new Option<string?>("--plan") { Description = "experiment plan JSON (a profile plus overrides); replaces --profile" }.NonEmpty();
        var model = CommonOptions.Model();
        var data = new Option<string>("--data") { Description = "real dataset (IDX folder, or ImageFolder with train/ and test/)", DefaultValueFactory = _ => "data/fashion-mnist" }.NonEmpty();
        var features = new Option<string>("--features")
        {
            Description = "feature model for the metrics: a folder (features.json + .onnx), 'resnet18', or 'auto' (the embedded Fashion-MNIST features when they take the data's images, else resnet18)",
            DefaultValueFactory = _ => FeatureExtractors.Auto,
        }.NonEmpty("a folder, resnet18 or auto");
        var resize = new Option<bool>("--resize") { Description = "resize real images of another size to the model's (SkiaSharp bilinear) instead of refusing" };
        var output = new Option<string?>("--out") { Description = "output folder (default runs/<timestamp>); rerun to resume" }.NonEmpty();
        var device = CommonOptions.Device();
        var replicates = new Option<int?>("--replicates") { Description = "independent replicates R: each its own real subset, noise and trainer seed (default: the profile's)" };
        var sampler = new Option<string?>("--sampler") { Description = $"{string.Join(" | ", OnnxDiffusion.Sampling.Samplers.Names)} (default: the profile's: dpm++2m at 10 steps; quick and full: ddim)" };
        var prompt = CommonOptions.Prompt();
        var shard = new Option<string?>("--shard")
        {
            Description = "i/n: make only the synthetic sets shard i of n owns (a cluster array task), then stop; a run without --shard on the same --out classifies and reports (scale-out/slurm/submit.sh does both)",
        }.NonEmpty("i/n (e.g. 0/4)");
        // Kept only to say what replaced it: a silently different design would be worse than an error.
        var seeds = new Option<int?>("--seeds") { Hidden = true };
        var cmd = new Command("reproduce", "Run the paper's experiment: strength sweep, classifiers, metrics, report.")
        {
            profile, planFile, model, data, features, resize, output, device, replicates, sampler, prompt, shard, seeds,
        };
        cmd.SetAction(p => CommandRunner.Run(() =>
        {
            var plan = p.GetValue(planFile) is string f ? ExperimentPlan.Load(f) : ExperimentPlan.ForProfile(p.GetValue(profile)!);
            if (p.GetValue(seeds) is not null)
                throw new ConfigException("--seeds was replaced by --replicates (each replicate draws its own real subset and noise and trains with its own seed)");
            if (p.GetValue(replicates) is int n)
                plan = plan with { Replicates = n };
            if (p.GetValue(sampler) is string name)
                plan = plan with { Sampler = name };
            if (p.GetValue(prompt) is string template)
                plan = plan with { Prompt = template };
            string outDir = p.GetValue(output) ?? Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            var part = p.GetValue(shard) is string text ? ShardSpec.Parse(text) : (ShardSpec?)null;
            if (part is not null && p.GetValue(output) is null)
                throw new ConfigException("--shard needs --out: every shard and the final run must share one output folder");
            return Execute(plan, new RunnerSettings
            {
                ModelDirectory = CommonOptions.Resolve(p.GetValue(model)!),
                DataDirectory = CommonOptions.Resolve(p.GetValue(data)!),
                FeaturesDirectory = MetricsCommand.ResolveFeatures(p.GetValue(features)!),
                PreferredFeatures = CommonOptions.Resolve(CommonOptions.EmbeddedFeatures),
                Resize = p.GetValue(resize),
                OutDirectory = outDir,
                Device = CommandRunner.Device(p.GetValue(device)),
            }, part);
        }));
        return cmd;
    }

    /// <summary>Runs the experiment and writes the report; with a shard, makes only that shard's synthetic sets.</summary>
    public static int Execute(ExperimentPlan plan, RunnerSettings settings, ShardSpec? shard = null)
    {
        var runner = new ExperimentRunner(plan, settings);
        runner.Validate();
        bool existed = Directory.Exists(settings.OutDirectory);
        OutputFolder.Prepare(settings.OutDirectory);
        Experiments.Results.ExperimentResults? results = null;
        string grid = "";
        (int Owned, int Total) owned = default;
        try
        {
            Run();
        }
        catch when (!existed && !Directory.EnumerateFiles(settings.OutDirectory, "*", SearchOption.AllDirectories).Any())
        {
            // Refused before any stage wrote a file (e.g. data the model cannot take): leave no empty folder behind.
            Directory.Delete(settings.OutDirectory, recursive: true);
            throw;
        }
        if (shard is { } part)
        {
            Console.WriteLine($"shard {part}: {owned.Owned} of {owned.Total} synthetic sets are in {Path.Combine(settings.OutDirectory, "synthetic")}; " +
                              "run reproduce without --shard on the same --out to classify, measure and report");
            return 0;
        }
        ReportWriter.Write(settings.OutDirectory, results!, Path.GetRelativePath(settings.OutDirectory, grid));
        Console.WriteLine($"report: {Path.Combine(settings.OutDirectory, "report.md")}");
        return 0;

        void Run() => AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                void Progress(string stage, int done, int total)
                {
                    if (!tasks.TryGetValue(stage, out var task))
                        tasks[stage] = task = ctx.AddTask(stage, maxValue: Math.Max(1, total));
                    task.MaxValue = Math.Max(1, total);
                    task.Value = total == 0 ? 1 : done;
                }
                if (shard is { } part)
                    owned = runner.Synthesize(part, Progress);
                else
                    (results, grid) = runner.Run(Progress);
            });
    }
}
