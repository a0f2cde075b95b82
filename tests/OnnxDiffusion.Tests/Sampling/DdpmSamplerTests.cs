using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Tests.Sampling;

/// <summary>The sampler contract for DDPM, with its float64 step from reference.md, and the img2img strength examples through its own schedule.</summary>
[Collection("cpu-kernels")]
public class DdpmSamplerTests : SamplerContractTests<DdpmSampler>
{
    protected override DdpmSampler Create(SchedulerConfig config) => (DdpmSampler)Samplers.Create("ddpm", config);

    protected override IEnumerable<(string Json, int Steps)> Cases =>
    [
        ("{}", 10),
        ("""{"variance_type": "fixed_large", "prediction_type": "v_prediction", "timestep_spacing": "trailing"}""", 10),
        ("""{"prediction_type": "sample", "clip_sample": false, "timestep_spacing": "linspace"}""", 7),
    ];

    protected override string FinalStepConfig => "{}";

    protected override StepReference Reference(SchedulerConfig config, NoiseSchedule schedule, SamplingSchedule run, int index, double eta,
        double x, double output, StepHistory history, double z)
    {
        int t = run.Timesteps[index];
        double a = schedule.AlphasCumprod[t];
        double ap = index + 1 < run.Count ? schedule.AlphasCumprod[run.Timesteps[index + 1]] : 1.0;
        double alpha = a / ap, beta = 1 - alpha;
        double sa = Math.Sqrt(a), sb = Math.Sqrt(1 - a);
        var (x0, scale) = config.PredictionType switch
        {
            PredictionType.Epsilon => ((x - sb * output) / sa, (Math.Abs(x) + sb * Math.Abs(output)) / sa),
            PredictionType.VPrediction => (sa * x - sb * output, sa * Math.Abs(x) + sb * Math.Abs(output)),
            _ => (output, Math.Abs(output)),
        };
        double clipped = config.ClipSample ? Math.Clamp(x0, -config.ClipSampleRange, config.ClipSampleRange) : x0;
        double variance = config.VarianceType == VarianceType.FixedLarge ? beta : Math.Max((1 - ap) / (1 - a) * beta, 1e-20);
        double c0 = Math.Sqrt(ap) * beta / (1 - a), c1 = Math.Sqrt(alpha) * (1 - ap) / (1 - a);
        double noise = t > 0 ? Math.Sqrt(variance) * z : 0;
        double next = c0 * clipped + c1 * x + noise;
        return new StepReference(next, c0 * (Math.Abs(clipped) + scale) + Math.Abs(c1 * x) + Math.Abs(noise), clipped, scale);
    }

    [Theory]
    [InlineData(0.25, 220, 12)]
    [InlineData(0.5, 480, 25)]
    [InlineData(0.75, 720, 37)]
    [InlineData(1.0, 980, 50)]
    public void StrengthRunsTheTailOfItsOwnSchedule(double strength, int first, int count)
    {
        var schedule = new NoiseSchedule(new SchedulerConfig());
        var run = Create(schedule.Config).Timesteps(schedule, 50).Tail(strength);
        Assert.Equal(first, run[0]);
        Assert.Equal(count, run.Count);
        Assert.Equal(50, run.FullCount);
        Assert.Null(run.Sigmas);
    }
}
