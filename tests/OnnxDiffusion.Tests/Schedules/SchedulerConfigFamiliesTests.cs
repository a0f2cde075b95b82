using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Tests.Schedules;

/// <summary>
/// scheduler_config.json files of the other diffusers schedulers, as diffusers saves them for typical models (keys
/// sorted, metadata first), read for their schedule keys; the keys of each class that the schedule does not use;
/// and what is refused or warned about.
/// </summary>
public class SchedulerConfigFamiliesTests
{
    /// <summary>One realistic config and what must be read from it.</summary>
    public sealed record Family(
        string Json, BetaSchedule Betas, double BetaStart, double BetaEnd, int T, TimestepSpacing Spacing, int Offset,
        PredictionType Prediction, bool Clip, string[] Ignored, bool Converted = false)
    {
        /// <summary>Expected <see cref="SchedulerConfig.VarianceType"/>.</summary>
        public VarianceType Variance { get; init; } = VarianceType.FixedSmall;

        /// <summary>Expected <see cref="SchedulerConfig.SetAlphaToOne"/>.</summary>
        public bool SetAlphaToOne { get; init; } = true;
    }

    private const double SdStart = 0.00085, SdEnd = 0.012;

    private static readonly Dictionary<string, Family> Families = new()
    {
        // Stable Diffusion 1.x
        ["PNDM"] = new("""
            {"_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", "beta_end": 0.012, "beta_schedule": "scaled_linear",
             "beta_start": 0.00085, "clip_sample": false, "num_train_timesteps": 1000, "set_alpha_to_one": false,
             "skip_prk_steps": true, "steps_offset": 1, "trained_betas": null}
            """, BetaSchedule.ScaledLinear, SdStart, SdEnd, 1000, TimestepSpacing.Leading, 1, PredictionType.Epsilon, false,
            ["skip_prk_steps"]) { SetAlphaToOne = false },
        // An Euler config saved with a recent diffusers' defaults
        ["Euler"] = new("""
            {"_class_name": "EulerDiscreteScheduler", "_diffusers_version": "0.30.0", "beta_end": 0.012,
             "beta_schedule": "scaled_linear", "beta_start": 0.00085, "final_sigmas_type": "zero", "interpolation_type": "linear",
             "num_train_timesteps": 1000, "prediction_type": "epsilon", "rescale_betas_zero_snr": false, "sigma_max": null,
             "sigma_min": null, "steps_offset": 0, "timestep_spacing": "linspace", "timestep_type": "discrete",
             "trained_betas": null, "use_beta_sigmas": false, "use_exponential_sigmas": false, "use_karras_sigmas": false}
            """, BetaSchedule.ScaledLinear, SdStart, SdEnd, 1000, TimestepSpacing.Linspace, 0, PredictionType.Epsilon, true,
            ["final_sigmas_type", "interpolation_type", "rescale_betas_zero_snr", "sigma_max", "sigma_min", "timestep_type",
             "use_beta_sigmas", "use_exponential_sigmas", "use_karras_sigmas"]),
        // SDXL base: an Euler config converted from a PNDM/DDIM one, with their keys still in it
        ["EulerSdxl"] = new("""
            {"_class_name": "EulerDiscreteScheduler", "_diffusers_version": "0.19.0.dev0", "beta_end": 0.012,
             "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": false, "interpolation_type": "linear",
             "num_train_timesteps": 1000, "prediction_type": "epsilon", "sample_max_value": 1.0, "set_alpha_to_one": false,
             "skip_prk_steps": true, "steps_offset": 1, "timestep_spacing": "leading", "trained_betas": null,
             "use_karras_sigmas": false}
            """, BetaSchedule.ScaledLinear, SdStart, SdEnd, 1000, TimestepSpacing.Leading, 1, PredictionType.Epsilon, false,
            ["interpolation_type", "sample_max_value", "skip_prk_steps", "use_karras_sigmas"], Converted: true) { SetAlphaToOne = false },
        ["EulerAncestral"] = new("""
            {"_class_name": "EulerAncestralDiscreteScheduler", "_diffusers_version": "0.27.2", "beta_end": 0.012,
             "beta_schedule": "scaled_linear", "beta_start": 0.00085, "num_train_timesteps": 1000, "prediction_type": "epsilon",
             "rescale_betas_zero_snr": false, "steps_offset": 1, "timestep_spacing": "leading", "trained_betas": null}
            """, BetaSchedule.ScaledLinear, SdStart, SdEnd, 1000, TimestepSpacing.Leading, 1, PredictionType.Epsilon, true,
            ["rescale_betas_zero_snr"]),
        ["LMS"] = new("""
            {"_class_name": "LMSDiscreteScheduler", "_diffusers_version": "0.21.4", "beta_end": 0.012, "beta_schedule": "scaled_linear",
             "beta_start": 0.00085, "num_train_timesteps": 1000, "prediction_type": "epsilon", "steps_offset": 0,
             "timestep_spacing": "linspace", "trained_betas": null, "use_karras_sigmas": false}
            """, BetaSchedule.ScaledLinear, SdStart, SdEnd, 1000, TimestepSpacing.Linspace, 0, PredictionType.Epsilon, true,
            ["use_karras_sigmas"]),
        // As Python's json writes it: lambda_min_clipped's default −∞ is the bare word -Infinity
        ["DPMSolverMultistep"] = new("""
            {"_class_name": "DPMSolverMultistepScheduler", "_diffusers_version": "0.31.0", "algorithm_type": "dpmsolver++",
             "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085, "dynamic_thresholding_ratio": 0.995,
             "euler_at_final": false, "final_sigmas_type": "zero", "flow_shift": 1.0, "lambda_min_clipped": -Infinity,
             "lower_order_final": true, "num_train_timesteps": 1000, "prediction_type": "epsilon", "rescale_betas_zero_snr": false,
             "sample_max_value": 1.0, "solver_order": 2, "solver_type": "midpoint", "steps_offset": 1, "thresholding": false,
             "timestep_spacing": "leading", "trained_betas": null, "use_beta_sigmas": false, "use_exponential_sigmas": false,
             "use_flow_sigmas": false, "use_karras_sigmas": false, "use_lu_lambdas": false, "variance_type": null}
            """, BetaSchedule.ScaledLinear, SdStart, SdEnd, 1000, TimestepSpacing.Leading, 1, PredictionType.Epsilon, true,
            ["algorithm_type", "dynamic_thresholding_ratio", "euler_at_final", "final_sigmas_type", "flow_shift", "lambda_min_clipped",
             "lower_order_final", "rescale_betas_zero_snr", "sample_max_value", "solver_order", "solver_type", "use_beta_sigmas",
             "use_exponential_sigmas", "use_flow_sigmas", "use_karras_sigmas", "use_lu_lambdas"]),
        // No timestep_spacing or steps_offset: DPMSolverSinglestepScheduler has neither
        ["DPMSolverSinglestep"] = new("""
            {"_class_name": "DPMSolverSinglestepScheduler", "_diffusers_version": "0.27.2", "algorithm_type": "dpmsolver++",
             "beta_end": 0.012, "beta_schedule": "scaled_linear", "beta_start": 0.00085, "dynamic_thresholding_ratio": 0.995,
             "final_sigmas_type": "zero", "lambda_min_clipped": -Infinity, "lower_order_final": true, "num_train_timesteps": 1000,
             "prediction_type": "epsilon", "sample_max_value": 1.0, "solver_order": 2, "solver_type": "midpoint",
             "thresholding": false, "trained_betas": null, "use_karras_sigmas": false, "variance_type": null}
            """, BetaSchedule.ScaledLinear, SdStart, SdEnd, 1000, TimestepSpacing.Leading, 0, PredictionType.Epsilon, true,
            ["algorithm_type", "dynamic_thresholding_ratio", "final_sigmas_type", "lambda_min_clipped", "lower_order_final",
             "sample_max_value", "solver_order", "solver_type", "use_karras_sigmas"]),
        ["Heun"] = new("""
            {"_class_name": "HeunDiscreteScheduler", "_diffusers_version": "0.27.2", "beta_end": 0.012, "beta_schedule": "scaled_linear",
             "beta_start": 0.00085, "clip_sample": false, "clip_sample_range": 1.0, "num_train_timesteps": 1000,
             "prediction_type": "epsilon", "steps_offset": 0, "timestep_spacing": "linspace", "trained_betas": null,
             "use_karras_sigmas": false}
            """, BetaSchedule.ScaledLinear, SdStart, SdEnd, 1000, TimestepSpacing.Linspace, 0, PredictionType.Epsilon, false,
            ["use_karras_sigmas"]),
        ["KDPM2"] = new("""
            {"_class_name": "KDPM2DiscreteScheduler", "_diffusers_version": "0.27.2", "beta_end": 0.012, "beta_schedule": "scaled_linear",
             "beta_start": 0.00085, "num_train_timesteps": 1000, "prediction_type": "epsilon", "steps_offset": 0,
             "timestep_spacing": "linspace", "trained_betas": null, "use_karras_sigmas": false}
            """, BetaSchedule.ScaledLinear, SdStart, SdEnd, 1000, TimestepSpacing.Linspace, 0, PredictionType.Epsilon, true,
            ["use_karras_sigmas"]),
        ["UniPC"] = new("""
            {"_class_name": "UniPCMultistepScheduler", "_diffusers_version": "0.27.2", "beta_end": 0.012, "beta_schedule": "scaled_linear",
             "beta_start": 0.00085, "disable_corrector": [], "dynamic_thresholding_ratio": 0.995, "final_sigmas_type": "zero",
             "lower_order_final": true, "num_train_timesteps": 1000, "predict_x0": true, "prediction_type": "epsilon",
             "rescale_betas_zero_snr": false, "sample_max_value": 1.0, "solver_order": 2, "solver_p": null, "solver_type": "bh2",
             "steps_offset": 1, "thresholding": false, "timestep_spacing": "linspace", "trained_betas": null,
             "use_karras_sigmas": false}
            """, BetaSchedule.ScaledLinear, SdStart, SdEnd, 1000, TimestepSpacing.Linspace, 1, PredictionType.Epsilon, true,
            ["disable_corrector", "dynamic_thresholding_ratio", "final_sigmas_type", "lower_order_final", "predict_x0",
             "rescale_betas_zero_snr", "sample_max_value", "solver_order", "solver_p", "solver_type", "use_karras_sigmas"]),
        ["DEIS"] = new("""
            {"_class_name": "DEISMultistepScheduler", "_diffusers_version": "0.27.2", "algorithm_type": "deis", "beta_end": 0.012,
             "beta_schedule": "scaled_linear", "beta_start": 0.00085, "dynamic_thresholding_ratio": 0.995, "lower_order_final": true,
             "num_train_timesteps": 1000, "prediction_type": "epsilon", "sample_max_value": 1.0, "solver_order": 2,
             "solver_type": "logrho", "steps_offset": 0, "thresholding": false, "timestep_spacing": "linspace",
             "trained_betas": null, "use_karras_sigmas": false}
            """, BetaSchedule.ScaledLinear, SdStart, SdEnd, 1000, TimestepSpacing.Linspace, 0, PredictionType.Epsilon, true,
            ["algorithm_type", "dynamic_thresholding_ratio", "lower_order_final", "sample_max_value", "solver_order", "solver_type",
             "use_karras_sigmas"]),
        // google/ddpm-cifar10-32 as first released: legacy "timesteps", no clip key
        ["GaussianDDPM"] = new("""
            {"_class_name": "GaussianDDPMScheduler", "_diffusers_version": "0.0.4", "beta_end": 0.02, "beta_schedule": "linear",
             "beta_start": 0.0001, "timesteps": 1000, "variance_type": "fixed_large"}
            """, BetaSchedule.Linear, 0.0001, 0.02, 1000, TimestepSpacing.Leading, 0, PredictionType.Epsilon, true, [])
            { Variance = VarianceType.FixedLarge },
        // diffusers 0.1–0.3 DDPM
        ["DDPMLegacy"] = new("""
            {"_class_name": "DDPMScheduler", "_diffusers_version": "0.1.1", "beta_end": 0.02, "beta_schedule": "linear",
             "beta_start": 0.0001, "clip_sample": true, "tensor_format": "pt", "timestep_values": null, "timesteps": 1000,
             "trained_betas": null, "variance_type": "fixed_small"}
            """, BetaSchedule.Linear, 0.0001, 0.02, 1000, TimestepSpacing.Leading, 0, PredictionType.Epsilon, true,
            ["tensor_format", "timestep_values"]),
        ["DDPM"] = new("""
            {"_class_name": "DDPMScheduler", "_diffusers_version": "0.30.0", "beta_end": 0.02, "beta_schedule": "linear",
             "beta_start": 0.0001, "clip_sample": true, "clip_sample_range": 1.0, "dynamic_thresholding_ratio": 0.995,
             "num_train_timesteps": 1000, "prediction_type": "epsilon", "rescale_betas_zero_snr": false, "sample_max_value": 1.0,
             "steps_offset": 0, "thresholding": false, "timestep_spacing": "leading", "trained_betas": null,
             "variance_type": "fixed_small"}
            """, BetaSchedule.Linear, 0.0001, 0.02, 1000, TimestepSpacing.Leading, 0, PredictionType.Epsilon, true,
            ["dynamic_thresholding_ratio", "rescale_betas_zero_snr", "sample_max_value"]),
        // Stable Diffusion 2.x (768, v-prediction): a DDIM config converted from PNDM
        ["DDIM"] = new("""
            {"_class_name": "DDIMScheduler", "_diffusers_version": "0.8.0", "beta_end": 0.012, "beta_schedule": "scaled_linear",
             "beta_start": 0.00085, "clip_sample": false, "num_train_timesteps": 1000, "prediction_type": "v_prediction",
             "set_alpha_to_one": false, "skip_prk_steps": true, "steps_offset": 1, "trained_betas": null}
            """, BetaSchedule.ScaledLinear, SdStart, SdEnd, 1000, TimestepSpacing.Leading, 1, PredictionType.VPrediction, false,
            ["skip_prk_steps"], Converted: true) { SetAlphaToOne = false },
        ["LCM"] = new("""
            {"_class_name": "LCMScheduler", "_diffusers_version": "0.22.0", "beta_end": 0.012, "beta_schedule": "scaled_linear",
             "beta_start": 0.00085, "clip_sample": false, "clip_sample_range": 1.0, "dynamic_thresholding_ratio": 0.995,
             "num_train_timesteps": 1000, "original_inference_steps": 50, "prediction_type": "epsilon",
             "rescale_betas_zero_snr": false, "sample_max_value": 1.0, "set_alpha_to_one": true, "steps_offset": 1,
             "thresholding": false, "timestep_scaling": 10.0, "timestep_spacing": "leading", "trained_betas": null}
            """, BetaSchedule.ScaledLinear, SdStart, SdEnd, 1000, TimestepSpacing.Leading, 1, PredictionType.Epsilon, false,
            ["dynamic_thresholding_ratio", "original_inference_steps", "rescale_betas_zero_snr", "sample_max_value", "timestep_scaling"]),
    };

    public static TheoryData<string> FamilyNames() => new(Families.Keys);

    [Theory]
    [MemberData(nameof(FamilyNames))]
    public void RealisticConfigIsReadForItsScheduleKeys(string name)
    {
        var f = Families[name];
        var cfg = SchedulerConfig.Parse(f.Json, $"{name}.json");

        Assert.Empty(cfg.Warnings);
        Assert.Equal(f.Betas, cfg.BetaSchedule);
        Assert.Equal(f.BetaStart, cfg.BetaStart);
        Assert.Equal(f.BetaEnd, cfg.BetaEnd);
        Assert.Null(cfg.TrainedBetas);
        Assert.Equal(f.T, cfg.NumTrainTimesteps);
        Assert.Equal(f.Spacing, cfg.TimestepSpacing);
        Assert.Equal(f.Offset, cfg.StepsOffset);
        Assert.Equal(f.Prediction, cfg.PredictionType);
        Assert.Equal(f.Clip, cfg.ClipSample);
        Assert.Equal(1.0, cfg.ClipSampleRange);
        Assert.Equal(f.Variance, cfg.VarianceType);
        Assert.Equal(f.SetAlphaToOne, cfg.SetAlphaToOne);
        Assert.False(cfg.Thresholding);
        Assert.Equal(f.Ignored, cfg.IgnoredScheduleKeys);
        Assert.True(SchedulerClasses.IsKnown(cfg.ClassName));
        if (!f.Converted)
            Assert.All(cfg.IgnoredScheduleKeys, k => Assert.Contains(k, SchedulerClasses.UnusedKeys(cfg.ClassName)));

        var schedule = new NoiseSchedule(cfg);
        Assert.Equal(f.T, schedule.Betas.Length);
        Assert.Equal(f.BetaStart, schedule.Betas[0], 12);
        Assert.Equal(f.BetaEnd, schedule.Betas[^1], 12);
        for (int t = 1; t < f.T; t++)
            Assert.True(schedule.AlphasCumprod[t] < schedule.AlphasCumprod[t - 1]);
        foreach (var sampler in new[] { "ddim", "ddpm" })
        {
            var run = Samplers.Create(sampler, cfg).Timesteps(schedule, 20);
            Assert.Equal(20, run.Count);
            Assert.All(run.Timesteps, t => Assert.InRange(t, 0, f.T - 1));
        }
    }

    [Theory]
    [MemberData(nameof(FamilyNames))]
    public void SavedAndReadAgainTheScheduleIsTheSame(string name)
    {
        var cfg = SchedulerConfig.Parse(Families[name].Json);
        var again = SchedulerConfig.Parse(cfg.ToJson());
        Assert.Empty(again.Warnings);
        Assert.Empty(again.IgnoredScheduleKeys);
        Assert.Equal(
            cfg with { Warnings = [], IgnoredScheduleKeys = [], SourceJson = "{}" },
            again with { Warnings = [], SourceJson = "{}" });
        // The source JSON keeps its bare -Infinity as a string, and is itself readable again.
        Assert.Equal(cfg.IgnoredScheduleKeys, SchedulerConfig.Parse(cfg.SourceJson).IgnoredScheduleKeys);
    }

    [Fact]
    public void DpmSolverConfigRunsWithTheDpmSampler()
    {
        var cfg = SchedulerConfig.Parse(Families["DPMSolverMultistep"].Json);
        Assert.Equal("-Infinity", cfg.Keys().String("lambda_min_clipped"));
        var sampler = (DpmSolverMultistepSampler)Samplers.Create("dpm++2m", cfg);
        Assert.Equal(new DpmSolverOptions { Spacing = TimestepSpacing.Leading }, sampler.Options);
        Assert.Equal(10, sampler.Timesteps(new NoiseSchedule(cfg), 10).Count);
    }

    [Fact]
    public void AnUnknownKeyIsOneWarningNamingIt()
    {
        var cfg = SchedulerConfig.Parse("""
            {"_class_name": "PNDMScheduler", "beta_schedule": "scaled_linear", "flux_capacitor": 1.21, "skip_prk_steps": true}
            """, "pndm.json");
        Assert.Equal(["pndm.json: unknown key 'flux_capacitor' ignored"], cfg.Warnings);
        Assert.Equal(["skip_prk_steps"], cfg.IgnoredScheduleKeys);
    }

    [Fact]
    public void AnUnknownClassIsOneWarningAndItsScheduleKeysAreRead()
    {
        var cfg = SchedulerConfig.Parse("""
            {"_class_name": "FooScheduler", "beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012,
             "steps_offset": 1, "solver_order": 3}
            """, "foo.json");
        Assert.Equal(["foo.json: _class_name 'FooScheduler' is not a scheduler OnnxDiffusion knows; its schedule keys were read as DDPM/DDIM keys"],
            cfg.Warnings);
        Assert.Equal("FooScheduler", cfg.ClassName);
        Assert.Equal(BetaSchedule.ScaledLinear, cfg.BetaSchedule);
        Assert.Equal(1, cfg.StepsOffset);
        Assert.Equal(["solver_order"], cfg.IgnoredScheduleKeys);
        Assert.StartsWith("FooScheduler config, read as DDPM/DDIM keys (schedule keys:", cfg.Describe());
    }

    [Theory]
    [InlineData("""
        {"_class_name": "ScoreSdeVeScheduler", "_diffusers_version": "0.3.0", "correct_steps": 1, "num_train_timesteps": 2000,
         "sampling_eps": 1e-05, "sigma_max": 348.0, "sigma_min": 0.01, "snr": 0.075}
        """, "ScoreSdeVeScheduler")]
    [InlineData("""
        {"_class_name": "KarrasVeScheduler", "_diffusers_version": "0.3.0", "s_churn": 80, "s_max": 50, "s_min": 0.05,
         "s_noise": 1.007, "sigma_max": 100, "sigma_min": 0.02}
        """, "KarrasVeScheduler")]
    [InlineData("""
        {"_class_name": "EDMEulerScheduler", "_diffusers_version": "0.28.0", "num_train_timesteps": 1000,
         "prediction_type": "epsilon", "rho": 7.0, "sigma_data": 0.5, "sigma_max": 80.0, "sigma_min": 0.002, "sigma_schedule": "karras"}
        """, "EDMEulerScheduler")]
    [InlineData("""
        {"_class_name": "FlowMatchEulerDiscreteScheduler", "_diffusers_version": "0.30.0", "num_train_timesteps": 1000, "shift": 3.0}
        """, "FlowMatchEulerDiscreteScheduler")]
    public void AClassWithoutBetasIsRefusedNamingTheClass(string json, string className)
    {
        var ex = Assert.Throws<ConfigException>(() => SchedulerConfig.Parse(json, "ve.json"));
        Assert.StartsWith($"ve.json: key '_class_name' = \"{className}\": expected a variance-preserving (beta) scheduler", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("""{"num_train_timesteps": 2000, "sigma_max": 348.0, "sigma_min": 0.01, "snr": 0.075}""", "sigma_max")]
    [InlineData("""{"_class_name": "MyVeScheduler", "sigma_min": null, "sigma_data": 0.5}""", "sigma_data")]
    public void ASigmaOnlyConfigOfNoKnownClassIsRefusedNamingTheSigmaKey(string json, string key)
    {
        var ex = Assert.Throws<ConfigException>(() => SchedulerConfig.Parse(json, "ve.json"));
        Assert.StartsWith($"ve.json: key '{key}'", ex.Message);
        Assert.Contains("expected a variance-preserving (beta) scheduler", ex.Message);
    }

    [Fact]
    public void SigmaKeysBesideBetasAreNotRefused()
    {
        var cfg = SchedulerConfig.Parse("""{"beta_schedule": "scaled_linear", "sigma_min": 0.03, "sigma_max": 14.6}""");
        Assert.Equal(["sigma_min", "sigma_max"], cfg.IgnoredScheduleKeys);
        Assert.Empty(cfg.Warnings);
    }

    [Fact]
    public void LegacyConfigWithoutClipKeyClipsAndUsesLargeVariance()
    {
        var cfg = SchedulerConfig.Parse(Families["GaussianDDPM"].Json);
        Assert.True(cfg.ClipSample);
        Assert.Equal(VarianceType.FixedLarge, cfg.VarianceType);
        Assert.Equal(1000, cfg.NumTrainTimesteps);
    }

    [Theory]
    [InlineData("""{"_class_name": "DDPMScheduler", "predict_epsilon": false}""", PredictionType.Sample, 0)]
    [InlineData("""{"_class_name": "DDPMScheduler", "predict_epsilon": true}""", PredictionType.Epsilon, 0)]
    [InlineData("""{"_class_name": "DDIMScheduler", "predict_epsilon": false, "prediction_type": "sample"}""", PredictionType.Sample, 0)]
    [InlineData("""{"_class_name": "DDIMScheduler", "prediction_type": "epsilon", "predict_epsilon": false}""", PredictionType.Epsilon, 1)]
    [InlineData("""{"_class_name": "DDIMScheduler", "predict_epsilon": true, "prediction_type": "v_prediction"}""", PredictionType.VPrediction, 1)]
    public void LegacyPredictEpsilonIsReadUnlessPredictionTypeIsGiven(string json, PredictionType expected, int warnings)
    {
        var cfg = SchedulerConfig.Parse(json, "legacy.json");
        Assert.Equal(expected, cfg.PredictionType);
        Assert.Equal(warnings, cfg.Warnings.Count);
        if (warnings == 1)
            Assert.StartsWith("legacy.json: legacy key 'predict_epsilon'", cfg.Warnings[0]);
        Assert.Empty(cfg.IgnoredScheduleKeys);
    }

    [Fact]
    public void LegacyPredictEpsilonMustBeABoolean()
    {
        var ex = Assert.Throws<ConfigException>(() => SchedulerConfig.Parse("""{"predict_epsilon": "no"}""", "legacy.json"));
        Assert.StartsWith("legacy.json: key 'predict_epsilon'", ex.Message);
    }

    [Theory]
    [InlineData("""{"_class_name": "GaussianDDPMScheduler", "clip_predicted_image": false}""", false, 0)]
    [InlineData("""{"_class_name": "GaussianDDPMScheduler", "clip_predicted_image": true}""", true, 0)]
    [InlineData("""{"clip_predicted_image": false, "clip_sample": true}""", true, 1)]
    public void LegacyClipPredictedImageIsReadUnlessClipSampleIsGiven(string json, bool expected, int warnings)
    {
        var cfg = SchedulerConfig.Parse(json);
        Assert.Equal(expected, cfg.ClipSample);
        Assert.Equal(warnings, cfg.Warnings.Count);
    }

    [Fact]
    public void KeysListedAsUsedDefaultsAreDroppedAsDiffusersDoes()
    {
        var cfg = SchedulerConfig.Parse("""
            {"_class_name": "EulerDiscreteScheduler", "_use_default_values": ["timestep_spacing", "use_karras_sigmas"],
             "beta_schedule": "scaled_linear", "timestep_spacing": "linspace", "use_karras_sigmas": false}
            """);
        Assert.Equal(TimestepSpacing.Leading, cfg.TimestepSpacing);
        Assert.False(cfg.Keys().Has("timestep_spacing"));
        Assert.Empty(cfg.IgnoredScheduleKeys);
        Assert.Empty(cfg.Warnings);
        Assert.Equal(TimestepSpacing.Leading, SchedulerConfig.Parse(cfg.SourceJson).TimestepSpacing);
    }

    [Fact]
    public void UsedDefaultsMustBeAListOfKeyNames()
    {
        var ex = Assert.Throws<ConfigException>(() => SchedulerConfig.Parse("""{"_use_default_values": "timestep_spacing"}""", "u.json"));
        Assert.StartsWith("u.json: key '_use_default_values'", ex.Message);
    }

    [Fact]
    public void ThresholdingTrueIsStillRefusedForEveryClass()
    {
        var ex = Assert.Throws<ConfigException>(() => SchedulerConfig.Parse("""
            {"_class_name": "DPMSolverMultistepScheduler", "thresholding": true, "dynamic_thresholding_ratio": 0.995}
            """, "dpm.json"));
        Assert.StartsWith("dpm.json: key 'thresholding' = true", ex.Message);
    }

    [Fact]
    public void AnUnknownBetaScheduleIsStillRefusedNamingTheChoices()
    {
        var ex = Assert.Throws<ConfigException>(() => SchedulerConfig.Parse("""
            {"_class_name": "EulerDiscreteScheduler", "beta_schedule": "exp"}
            """, "e.json"));
        Assert.StartsWith("e.json: key 'beta_schedule' = \"exp\": expected one of linear, scaled_linear, squaredcos_cap_v2", ex.Message);
    }

    [Fact]
    public void DescribeSaysWhatWasReadAndWhatWasDefaulted()
    {
        var pndm = SchedulerConfig.Parse(Families["PNDM"].Json);
        Assert.Equal(
            "PNDMScheduler config (schedule keys: scaled_linear betas 0.00085…0.012, T=1000, leading spacing (default), " +
            "steps_offset 1, epsilon (default), no clipping)", pndm.Describe());

        Assert.Equal(
            "GaussianDDPMScheduler config (schedule keys: linear betas 0.0001…0.02, T=1000, leading spacing (default), " +
            "steps_offset 0 (default), epsilon (default), clip ±1 (default))",
            SchedulerConfig.Parse(Families["GaussianDDPM"].Json).Describe());

        Assert.Equal(
            "config without _class_name, read as DDPM/DDIM keys (schedule keys: squaredcos_cap_v2 betas, T=1000 (default), " +
            "trailing spacing, steps_offset 0 (default), v_prediction, clip ±1 (default))",
            SchedulerConfig.Parse("""{"beta_schedule": "squaredcos_cap_v2", "prediction_type": "v_prediction", "timestep_spacing": "trailing"}""").Describe());

        Assert.Equal(
            "DDPMScheduler config (schedule keys: trained betas (2 values), T=2, linspace spacing, steps_offset 1, sample, clip ±2)",
            new SchedulerConfig
            {
                NumTrainTimesteps = 2, TrainedBetas = [0.1, 0.2], TimestepSpacing = TimestepSpacing.Linspace, StepsOffset = 1,
                PredictionType = PredictionType.Sample, ClipSampleRange = 2,
            }.Describe());
    }

    [Fact]
    public void PythonNonFiniteLiteralsAreReadAsStrings()
    {
        var cfg = SchedulerConfig.Parse("""
            {"_class_name": "DPMSolverMultistepScheduler", "lambda_min_clipped": -Infinity, "sample_max_value": Infinity,
             "dynamic_thresholding_ratio": NaN, "algorithm_type": "dpmsolver++ -Infinity NaN \" Infinity"}
            """);
        var keys = cfg.Keys();
        Assert.Equal("-Infinity", keys.String("lambda_min_clipped"));
        Assert.Equal("Infinity", keys.String("sample_max_value"));
        Assert.Equal("NaN", keys.String("dynamic_thresholding_ratio"));
        Assert.Equal("dpmsolver++ -Infinity NaN \" Infinity", keys.String("algorithm_type"));
        Assert.Empty(cfg.Warnings);
    }

    [Theory]
    [InlineData("""{"beta_start": NaN}""", "beta_start")]
    [InlineData("""{"beta_end": Infinity}""", "beta_end")]
    [InlineData("""{"clip_sample_range": -Infinity}""", "clip_sample_range")]
    public void ANonFiniteScheduleValueIsRefusedNamingTheKey(string json, string key)
    {
        var ex = Assert.Throws<ConfigException>(() => SchedulerConfig.Parse(json, "nf.json"));
        Assert.StartsWith($"nf.json: key '{key}'", ex.Message);
    }

    [Fact]
    public void TheTableKnowsEveryVariancePreservingClassAskedFor()
    {
        string[] asked =
        [
            "PNDMScheduler", "EulerDiscreteScheduler", "EulerAncestralDiscreteScheduler", "LMSDiscreteScheduler",
            "DPMSolverMultistepScheduler", "DPMSolverSinglestepScheduler", "HeunDiscreteScheduler", "KDPM2DiscreteScheduler",
            "UniPCMultistepScheduler", "DEISMultistepScheduler", "GaussianDDPMScheduler", "DDIMScheduler", "DDPMScheduler",
        ];
        Assert.All(asked, c => Assert.True(SchedulerClasses.IsKnown(c), c));
        Assert.All(asked, c => Assert.Contains(c, SchedulerClasses.Known));
        Assert.False(SchedulerClasses.IsKnown("ScoreSdeVeScheduler"));
        Assert.False(SchedulerClasses.IsKnown("pndmscheduler"));
        Assert.Empty(SchedulerClasses.UnusedKeys("FooScheduler"));
        Assert.Contains("skip_prk_steps", SchedulerClasses.UnusedKeys("PNDMScheduler"));
        Assert.DoesNotContain("skip_prk_steps", SchedulerClasses.UnusedKeys("EulerDiscreteScheduler"));
    }

    [Fact]
    public void NoClassListsAKeyTheScheduleReadsAsUnused()
    {
        string[] read =
        [
            "_class_name", "_diffusers_version", "num_train_timesteps", "timesteps", "beta_start", "beta_end", "beta_schedule",
            "trained_betas", "variance_type", "clip_sample", "clip_sample_range", "set_alpha_to_one", "steps_offset",
            "prediction_type", "timestep_spacing", "thresholding", "predict_epsilon", "clip_predicted_image",
        ];
        foreach (var c in SchedulerClasses.Known)
            Assert.All(read, k => Assert.DoesNotContain(k, SchedulerClasses.UnusedKeys(c)));
    }

    [Fact]
    public void ExistingIgnoredKeysStayQuietWithoutAClass()
    {
        var cfg = SchedulerConfig.Parse("""
            {"_diffusers_version": "0.30.0", "dynamic_thresholding_ratio": 0.995, "sample_max_value": 1.0,
             "rescale_betas_zero_snr": false, "skip_prk_steps": true, "timestep_type": "discrete", "variance_type_log": 1,
             "solver_order": 2, "use_lu_lambdas": false}
            """);
        Assert.Empty(cfg.Warnings);
        Assert.Equal(8, cfg.IgnoredScheduleKeys.Count);
    }
}
