using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Tests.Sampling;

/// <summary>The DPM-Solver keys: diffusers' defaults when absent, and one line naming the key for each value the sampler does not implement.</summary>
public class DpmSolverKeysTests
{
    private static ConfigException Refused(string json, string source = "dpm.json") =>
        Assert.Throws<ConfigException>(() => Samplers.Create("dpm++2m", SchedulerConfig.Parse(json, source)));

    [Theory]
    [InlineData("""{"solver_order": 3}""", "solver_order", "third order")]
    [InlineData("""{"solver_order": 0}""", "solver_order", "1 or 2")]
    [InlineData("""{"solver_order": 1.5}""", "solver_order", "an integer")]
    [InlineData("""{"algorithm_type": "dpmsolver"}""", "algorithm_type", "dpmsolver++")]
    [InlineData("""{"algorithm_type": "sde-dpmsolver"}""", "algorithm_type", "dpmsolver++")]
    [InlineData("""{"algorithm_type": "sde-dpmsolver++"}""", "algorithm_type", "dpmsolver++")]
    [InlineData("""{"solver_type": "bh2"}""", "solver_type", "midpoint, heun")]
    [InlineData("""{"lower_order_final": "yes"}""", "lower_order_final", "true or false")]
    [InlineData("""{"euler_at_final": 1}""", "euler_at_final", "true or false")]
    [InlineData("""{"final_sigmas_type": "sigma_max"}""", "final_sigmas_type", "zero, sigma_min")]
    [InlineData("""{"use_karras_sigmas": true, "use_lu_lambdas": true}""", "use_lu_lambdas", "use_karras_sigmas")]
    [InlineData("""{"use_exponential_sigmas": true}""", "use_exponential_sigmas", "false")]
    [InlineData("""{"use_beta_sigmas": true}""", "use_beta_sigmas", "false")]
    [InlineData("""{"use_flow_sigmas": true}""", "use_flow_sigmas", "false")]
    [InlineData("""{"lambda_min_clipped": -5.1}""", "lambda_min_clipped", "not implemented")]
    [InlineData("""{"lambda_min_clipped": 0}""", "lambda_min_clipped", "not implemented")]
    [InlineData("""{"rescale_betas_zero_snr": true}""", "rescale_betas_zero_snr", "false")]
    public void RefusedValueIsOneLineNamingTheKey(string json, string key, string expected)
    {
        var ex = Refused(json);
        Assert.StartsWith($"dpm.json: key '{key}'", ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("learned")]
    [InlineData("learned_range")]
    public void LearnedVarianceIsRefused(string variance)
    {
        // SchedulerConfig refuses it on parse, which is the only way a config reaches a sampler from a file.
        var parse = Assert.Throws<ConfigException>(() => SchedulerConfig.Parse($$"""{"variance_type": "{{variance}}"}""", "dpm.json"));
        Assert.StartsWith("dpm.json: key 'variance_type'", parse.Message);
        Assert.DoesNotContain('\n', parse.Message);
    }

    [Fact]
    public void AbsentKeysTakeDiffusersDefaults()
    {
        var o = ((DpmSolverMultistepSampler)Samplers.Create("dpm++2m")).Options;
        Assert.Equal(new DpmSolverOptions(), o);
        Assert.Equal(2, o.SolverOrder);
        Assert.Equal(DpmSolverType.Midpoint, o.SolverType);
        Assert.True(o.LowerOrderFinal);
        Assert.False(o.EulerAtFinal);
        Assert.Equal(DpmFinalSigma.Zero, o.FinalSigma);
        Assert.Equal(DpmSigmaSpacing.Timesteps, o.Sigmas);
        Assert.Equal(TimestepSpacing.Linspace, o.Spacing);
        Assert.Equal(o, ((DpmSolverMultistepSampler)Samplers.Create("dpm++2m", SchedulerConfig.Parse("{}"))).Options);
    }

    [Fact]
    public void AcceptedValuesAreRead()
    {
        var cfg = SchedulerConfig.Parse("""
            {"solver_order": 1, "algorithm_type": "dpmsolver++", "solver_type": "heun", "lower_order_final": false,
             "euler_at_final": true, "final_sigmas_type": "sigma_min", "use_karras_sigmas": true, "use_lu_lambdas": false,
             "use_exponential_sigmas": false, "use_beta_sigmas": false, "lambda_min_clipped": "-Infinity",
             "rescale_betas_zero_snr": false, "timestep_spacing": "trailing"}
            """);
        var o = ((DpmSolverMultistepSampler)Samplers.Create("dpm++2m", cfg)).Options;
        Assert.Equal(new DpmSolverOptions
        {
            SolverOrder = 1, SolverType = DpmSolverType.Heun, LowerOrderFinal = false, EulerAtFinal = true,
            FinalSigma = DpmFinalSigma.SigmaMin, Sigmas = DpmSigmaSpacing.Karras, Spacing = TimestepSpacing.Trailing,
        }, o);
    }

    [Theory]
    [InlineData("UniPCMultistepScheduler", """{"solver_type": "bh2", "solver_order": 3, "predict_x0": true}""")]
    [InlineData("DEISMultistepScheduler", """{"algorithm_type": "deis", "solver_type": "logrho", "solver_order": 3}""")]
    public void AnotherSolversConfigGivesItsScheduleNotItsSolverKeys(string className, string solverKeys)
    {
        var cfg = SchedulerConfig.Parse($$"""{"_class_name": "{{className}}", "timestep_spacing": "trailing", "use_karras_sigmas": true, {{solverKeys[1..]}}""");
        var o = ((DpmSolverMultistepSampler)Samplers.Create("dpm++2m", cfg)).Options;
        Assert.Equal(new DpmSolverOptions { Sigmas = DpmSigmaSpacing.Karras, Spacing = TimestepSpacing.Trailing }, o);
    }

    [Fact]
    public void ZeroTerminalSnrRescalingIsRefusedForEverySampler()
    {
        var ex = Assert.Throws<ConfigException>(() => SchedulerConfig.Parse("""{"rescale_betas_zero_snr": true}"""));
        Assert.Contains("'rescale_betas_zero_snr' = true", ex.Message);
    }

    [Theory]
    [InlineData("""{}""", TimestepSpacing.Linspace)]
    [InlineData("""{"timestep_spacing": "leading"}""", TimestepSpacing.Leading)]
    [InlineData("""{"timestep_spacing": "linspace"}""", TimestepSpacing.Linspace)]
    [InlineData("""{"timestep_spacing": "trailing"}""", TimestepSpacing.Trailing)]
    public void SpacingIsLinspaceOnlyWhenTheKeyIsAbsent(string json, TimestepSpacing expected) =>
        Assert.Equal(expected, ((DpmSolverMultistepSampler)Samplers.Create("dpm++2m", SchedulerConfig.Parse(json))).Options.Spacing);

    [Fact]
    public void EmbeddedModelConfigGivesLeadingTimesteps()
    {
        var cfg = SchedulerConfig.Load(RepoPaths.Combine("models", "fashion-mnist-ddpm", "scheduler_config.json"));
        var schedule = new NoiseSchedule(cfg);
        var run = Samplers.Create("dpm++2m", cfg).Timesteps(schedule, 10);
        Assert.Equal([900, 810, 720, 630, 540, 450, 360, 270, 180, 90], run.Timesteps);
    }
}
