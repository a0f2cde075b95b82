using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Tests.Schedules;

public class SchedulerConfigTests
{
    [Fact]
    public void ReadsDiffusersKeys()
    {
        var cfg = SchedulerConfig.Parse("""
            {"_class_name": "DDIMScheduler", "_diffusers_version": "0.30.0", "num_train_timesteps": 500,
             "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "trained_betas": null,
             "variance_type": "fixed_large", "clip_sample": false, "clip_sample_range": 2.0, "set_alpha_to_one": false,
             "steps_offset": 1, "prediction_type": "v_prediction", "timestep_spacing": "trailing", "thresholding": false}
            """);
        Assert.Equal("DDIMScheduler", cfg.ClassName);
        Assert.Equal(500, cfg.NumTrainTimesteps);
        Assert.Equal(0.00085, cfg.BetaStart);
        Assert.Equal(BetaSchedule.ScaledLinear, cfg.BetaSchedule);
        Assert.Equal(VarianceType.FixedLarge, cfg.VarianceType);
        Assert.False(cfg.ClipSample);
        Assert.Equal(2.0, cfg.ClipSampleRange);
        Assert.False(cfg.SetAlphaToOne);
        Assert.Equal(1, cfg.StepsOffset);
        Assert.Equal(PredictionType.VPrediction, cfg.PredictionType);
        Assert.Equal(TimestepSpacing.Trailing, cfg.TimestepSpacing);
        Assert.Empty(cfg.Warnings);
    }

    [Fact]
    public void LegacyTimestepsKeyMeansNumTrainTimesteps() =>
        Assert.Equal(200, SchedulerConfig.Parse("""{"timesteps": 200}""").NumTrainTimesteps);

    [Fact]
    public void UnknownKeysAreIgnoredWithAWarning()
    {
        var cfg = SchedulerConfig.Parse("""{"flux_capacitor": 1.21}""");
        Assert.Single(cfg.Warnings);
        Assert.Contains("flux_capacitor", cfg.Warnings[0]);
    }

    [Fact]
    public void NullVarianceTypeIsTheDefaultAsDiffusersWritesIt() =>
        Assert.Equal(VarianceType.FixedSmall, SchedulerConfig.Parse("""{"variance_type": null, "solver_order": 2}""").VarianceType);

    [Fact]
    public void DpmSolverKeysAreNotReportedAsUnknown() =>
        Assert.Empty(SchedulerConfig.Parse("""{"solver_order": 2, "algorithm_type": "dpmsolver++", "use_karras_sigmas": false}""").Warnings);

    [Fact]
    public void AKeyGivenTwiceIsOneLineNamingIt()
    {
        var ex = Assert.Throws<ConfigException>(() => SchedulerConfig.Parse("""{"beta_start": 0.0001, "beta_start": 0.001}""", "s.json"));
        Assert.StartsWith("s.json: not valid JSON", ex.Message);
        Assert.Contains("beta_start", ex.Message);
    }

    [Fact]
    public void RoundTripsThroughJson()
    {
        var cfg = new SchedulerConfig
        {
            NumTrainTimesteps = 4, TrainedBetas = [0.1, 0.2, 0.3, 0.4], PredictionType = PredictionType.Sample,
            TimestepSpacing = TimestepSpacing.Linspace, ClipSample = false, StepsOffset = 1,
        };
        var back = SchedulerConfig.Parse(cfg.ToJson());
        Assert.Equal(cfg.TrainedBetas, back.TrainedBetas);
        // The parsed config also keeps the JSON it came from (for samplers with keys of their own): provenance, not a value.
        Assert.Equal(cfg with { TrainedBetas = null, Warnings = [] }, back with { TrainedBetas = null, Warnings = [], SourceJson = "{}" });
        Assert.Equal(4, back.Keys().Int("num_train_timesteps"));
    }

    [Fact]
    public void SaveWritesAtomicallyAndLoads()
    {
        string dir = Directory.CreateTempSubdirectory("sc").FullName;
        string path = Path.Combine(dir, "scheduler_config.json");
        new SchedulerConfig { BetaEnd = 0.03 }.Save(path);
        Assert.Equal(0.03, SchedulerConfig.Load(path).BetaEnd);
        Assert.Single(Directory.GetFiles(dir));
    }

    [Theory]
    [InlineData("""{"num_train_timesteps": 0}""", "num_train_timesteps")]
    [InlineData("""{"num_train_timesteps": 10.5}""", "num_train_timesteps")]
    [InlineData("""{"beta_start": -0.1}""", "beta_start")]
    [InlineData("""{"beta_start": 0.02, "beta_end": 0.0001}""", "beta_end")]
    [InlineData("""{"beta_end": 1.5}""", "beta_end")]
    [InlineData("""{"beta_start": "small"}""", "beta_start")]
    [InlineData("""{"beta_schedule": "quadratic"}""", "beta_schedule")]
    [InlineData("""{"prediction_type": "noise"}""", "prediction_type")]
    [InlineData("""{"timestep_spacing": "uniform"}""", "timestep_spacing")]
    [InlineData("""{"variance_type": "learned"}""", "variance_type")]
    [InlineData("""{"clip_sample_range": 0}""", "clip_sample_range")]
    [InlineData("""{"clip_sample": "yes"}""", "clip_sample")]
    [InlineData("""{"steps_offset": -1}""", "steps_offset")]
    [InlineData("""{"num_train_timesteps": 3, "trained_betas": [0.1, 0.2]}""", "trained_betas")]
    [InlineData("""{"num_train_timesteps": 2, "trained_betas": [0.1, -0.2]}""", "trained_betas")]
    [InlineData("""{"thresholding": true}""", "thresholding")]
    public void BadValuesAreRejectedNamingTheKey(string json, string key)
    {
        var ex = Assert.Throws<ConfigException>(() => SchedulerConfig.Parse(json, "my_config.json"));
        Assert.Contains($"'{key}'", ex.Message);
        Assert.StartsWith("my_config.json:", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    public void NonObjectsAreRejectedNamingTheFile(string json)
    {
        var ex = Assert.Throws<ConfigException>(() => SchedulerConfig.Parse(json, "broken.json"));
        Assert.StartsWith("broken.json:", ex.Message);
    }

    [Fact]
    public void MissingFileIsAConfigError()
    {
        var ex = Assert.Throws<ConfigException>(() => SchedulerConfig.Load("/nonexistent/scheduler_config.json"));
        Assert.Contains("/nonexistent/scheduler_config.json", ex.Message);
    }
}
