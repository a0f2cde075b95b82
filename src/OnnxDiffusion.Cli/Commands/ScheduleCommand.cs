using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Cli.Commands;

/// <summary>
/// <c>onnxdiffusion schedule</c>: prints the timesteps and ᾱ values a sampler would use for a scheduler config,
/// optionally restricted to an img2img strength. An inspection tool: nothing is run or written.
/// </summary>
public static class ScheduleCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var config = new Option<string>("--config")
        {
            Description = "scheduler_config.json (diffusers keys), or a model folder that contains one",
            Required = true,
        }.NonEmpty();
        var steps = new Option<int>("--steps") { Description = "number of inference steps N", DefaultValueFactory = _ => 50 };
        var strength = new Option<double>("--strength")
        {
            Description = "img2img strength s in [0,1]: run the last ⌊N·s⌋ steps (1 = generation)",
            DefaultValueFactory = _ => 1.0,
        };
        var json = new Option<bool>("--json") { Description = "print one JSON object instead of a table" };
        var sampler = CommonOptions.Sampler();
        var cmd = new Command("schedule", "Show the timesteps and ᾱ values a run would use.") { config, steps, strength, sampler, json };
        cmd.SetAction(parse => CommandRunner.Run(() =>
            Execute(parse.GetValue(config)!, parse.GetValue(steps), parse.GetValue(strength), parse.GetValue(json), Console.Out, parse.GetValue(sampler)!)));
        return cmd;
    }

    /// <summary>Runs the command, writing to <paramref name="output"/>.</summary>
    public static int Execute(string configPath, int steps, double strength, bool json, TextWriter output, string sampler = "ddim")
    {
        // A model folder of any layout: ours and bare ones hold scheduler_config.json, a diffusers pipeline scheduler/.
        if (Directory.Exists(configPath))
            configPath = new[] { Path.Combine(configPath, "scheduler_config.json"), Path.Combine(configPath, "scheduler", "scheduler_config.json") }
                .FirstOrDefault(File.Exists) ?? Path.Combine(configPath, "scheduler_config.json");
        var cfg = SchedulerConfig.Load(configPath);
        foreach (var w in cfg.Warnings)
            Console.Error.WriteLine("warning: " + w);
        var schedule = new NoiseSchedule(cfg);
        var run = Samplers.Create(sampler, cfg).Timesteps(schedule, steps).Tail(strength);

        if (json)
        {
            var doc = new
            {
                config = configPath,
                num_train_timesteps = cfg.NumTrainTimesteps,
                beta_schedule = SchedulerConfig.NameOf(cfg.BetaSchedule),
                timestep_spacing = SchedulerConfig.NameOf(cfg.TimestepSpacing),
                sampler,
                steps,
                strength,
                timesteps = run.Timesteps,
                sigmas = run.Sigmas,
                alphas_cumprod = run.Select(t => schedule.AlphasCumprod[t]).ToArray(),
            };
            output.WriteLine(JsonSerializer.Serialize(doc));
            return 0;
        }

        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"config   {configPath}");
        output.WriteLine($"read     {cfg.Describe()}");
        output.WriteLine($"schedule {SchedulerConfig.NameOf(cfg.BetaSchedule)}, T = {cfg.NumTrainTimesteps}, " +
                         $"spacing {SchedulerConfig.NameOf(cfg.TimestepSpacing)}, steps_offset {cfg.StepsOffset}, " +
                         $"prediction {SchedulerConfig.NameOf(cfg.PredictionType)}");
        output.WriteLine($"steps    {sampler}, {steps} inference steps, strength {strength.ToString(inv)} → {run.Count} run");
        output.WriteLine();
        output.WriteLine("  step      t  t_prev        alpha_bar   sqrt(alpha_bar)  sqrt(1-alpha_bar)");
        for (int i = 0; i < run.Count; i++)
        {
            int t = run[i];
            double a = schedule.AlphasCumprod[t];
            output.WriteLine(string.Format(inv, "{0,6} {1,6} {2,7} {3,16:E6} {4,17:F8} {5,18:F8}",
                i, t, run.Next(i), a, Math.Sqrt(a), Math.Sqrt(1 - a)));
        }
        return 0;
    }
}
