using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Tests.Sampling;

/// <summary>The sampler contract for DDIM, with its float64 step from reference.md, and diffusers' DDIM loop golden through its own schedule.</summary>
[Collection("cpu-kernels")]
public class DdimSamplerTests : SamplerContractTests<DdimSampler>
{
    protected override DdimSampler Create(SchedulerConfig config) => (DdimSampler)Samplers.Create("ddim", config);

    protected override IEnumerable<(string Json, int Steps)> Cases =>
    [
        ("{}", 10),
        ("""{"prediction_type": "v_prediction", "timestep_spacing": "trailing"}""", 10),
        ("""{"prediction_type": "sample", "clip_sample": false, "set_alpha_to_one": false, "timestep_spacing": "linspace"}""", 7),
    ];

    protected override string FinalStepConfig => """{"set_alpha_to_one": true}""";

    protected override IEnumerable<double> Etas => [0.0, 0.5, 1.0];

    protected override StepReference Reference(SchedulerConfig config, NoiseSchedule schedule, SamplingSchedule run, int index, double eta,
        double x, double output, StepHistory history, double z)
    {
        double a = schedule.AlphasCumprod[run.Timesteps[index]];
        double ap = index + 1 < run.Count ? schedule.AlphasCumprod[run.Timesteps[index + 1]] : (config.SetAlphaToOne ? 1.0 : schedule.AlphasCumprod[0]);
        double sa = Math.Sqrt(a), sb = Math.Sqrt(1 - a);
        var (x0, eps, scale) = config.PredictionType switch
        {
            PredictionType.Epsilon => ((x - sb * output) / sa, output, (Math.Abs(x) + sb * Math.Abs(output)) / sa),
            PredictionType.VPrediction => (sa * x - sb * output, sa * output + sb * x, sa * Math.Abs(x) + sb * Math.Abs(output)),
            _ => (output, (x - sa * output) / sb, (Math.Abs(x) + sa * Math.Abs(output)) / sb),
        };
        double clipped = config.ClipSample ? Math.Clamp(x0, -config.ClipSampleRange, config.ClipSampleRange) : x0;
        double sigma = eta * Math.Sqrt((1 - ap) / (1 - a) * (1 - a / ap));
        double dir = Math.Sqrt(Math.Max(0, 1 - ap - sigma * sigma));
        double next = Math.Sqrt(ap) * clipped + dir * eps + sigma * z;
        double nextScale = Math.Sqrt(ap) * (Math.Abs(clipped) + scale) + dir * (Math.Abs(eps) + scale) + Math.Abs(sigma * z);
        return new StepReference(next, nextScale, clipped, scale);
    }

    [Fact]
    public void DeterministicLoopOverItsOwnScheduleMatchesDiffusers()
    {
        var cfg = new SchedulerConfig();
        var schedule = new NoiseSchedule(cfg);
        var sampler = Create(cfg);
        using var loop = new DiffusionLoop(CpuKernels.Get(), new ScaleByTimestepDenoiser(3 * 8 * 8), schedule, sampler, 4);
        var x = GoldenLoopTests.DeterministicSample();
        loop.Run(new DiffusionJob(sampler.Timesteps(schedule, 10), new long[] { 0, 1, 2, 3 }, Conditioning.None, 0, 0.0, StartFrom.Given), x);
        double sum = x.Sum(v => Math.Abs((double)v));
        Assert.True(Math.Abs(sum - 172.0067) < 1e-2, $"Σ|x| = {sum}");
        Assert.True(Math.Abs(sum / x.Length - 0.223967) < 1e-3, $"mean |x| = {sum / x.Length}");
    }
}
