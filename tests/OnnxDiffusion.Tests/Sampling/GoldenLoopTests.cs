using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Tests.Sampling;

/// <summary>
/// diffusers' own scheduler-test golden values, reproduced through the ILGPU step kernel on the CPU
/// accelerator: the variance helpers and deterministic 10-step DDIM loops on a fixed 4×3×8×8 input.
/// </summary>
[Collection("cpu-kernels")]
public class GoldenLoopTests
{
    private static readonly NoiseSchedule Default = new(new SchedulerConfig());

    [Theory]
    [InlineData(0, 0, 0.0)]
    [InlineData(420, 400, 0.14771)]
    [InlineData(980, 960, 0.32460)]
    [InlineData(487, 486, 0.00979)]
    [InlineData(999, 998, 0.02)]
    public void DdimVarianceMatchesDiffusers(int t, int prev, double expected) =>
        Assert.InRange(DdimSampler.Variance(Default, t, prev), expected - 1e-5, expected + 1e-5); // upstream tolerance

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(487, 0.00979)]
    [InlineData(999, 0.02)]
    public void DdpmVarianceMatchesDiffusers(int t, double expected) =>
        Assert.InRange(DdpmSampler.Variance(Default, t, t - 1), expected - 1e-5, expected + 1e-5);

    /// <summary>
    /// 0 … 767 / 768 laid out as (C=3, H=8, W=8, B=4) row-major, permuted to (B, C, H, W); <paramref name="reversed"/> builds it
    /// from 767 … 0 instead (diffusers' deterministic noise).
    /// </summary>
    internal static float[] DeterministicSample(bool reversed = false)
    {
        var x = new float[4 * 3 * 8 * 8];
        for (int b = 0; b < 4; b++)
            for (int c = 0; c < 3; c++)
                for (int h = 0; h < 8; h++)
                    for (int w = 0; w < 8; w++)
                    {
                        int k = ((c * 8 + h) * 8 + w) * 4 + b;
                        x[((b * 3 + c) * 8 + h) * 8 + w] = (reversed ? 767 - k : k) / 768f;
                    }
        return x;
    }

    /// <summary>
    /// diffusers' dummy loop for σ-schedule samplers: model x·t/(t+1) on the 4×3×8×8 sample (or what
    /// <paramref name="start"/> makes of the run) over the run <paramref name="pick"/> chooses from the 10-step list.
    /// </summary>
    internal static float[] DummyLoop(string json, Func<SchedulerConfig, ISampler> create, Func<SamplingSchedule, SamplingSchedule> pick,
        Func<SamplingSchedule, float[]>? start = null)
    {
        var cfg = SchedulerConfig.Parse(json);
        var schedule = new NoiseSchedule(cfg);
        var sampler = create(cfg);
        var run = pick(sampler.Timesteps(schedule, 10));
        var denoiser = new ScaleByTimestepDenoiser(3 * 8 * 8);
        using var loop = new DiffusionLoop(CpuKernels.Get(), denoiser, schedule, sampler, 4);
        var x = start?.Invoke(run) ?? DeterministicSample();
        loop.Run(new DiffusionJob(run, new long[] { 0, 1, 2, 3 }, Conditioning.None, 0, 0.0, StartFrom.Given), x);
        Assert.Equal(run.Count, denoiser.Calls);
        return x;
    }

    /// <summary><paramref name="json"/> with the keys of <paramref name="extra"/> (a JSON object's members without braces) replaced.</summary>
    internal static string WithKeys(string json, string extra)
    {
        var config = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        foreach (var (key, value) in System.Text.Json.Nodes.JsonNode.Parse("{" + extra + "}")!.AsObject())
            config[key] = value?.DeepClone();
        return config.ToJsonString();
    }

    /// <summary>diffusers' noised start for σ-schedule samplers: α x0 + s ε at the run's first σ, ε the reversed dummy sample.</summary>
    internal static float[] NoisedDummySample(SamplingSchedule run)
    {
        var sample = DeterministicSample();
        var noise = DeterministicSample(reversed: true);
        double sigma = run.Sigmas![0], alpha = 1 / Math.Sqrt(sigma * sigma + 1);
        return sample.Select((v, i) => (float)(alpha * v + sigma * alpha * noise[i])).ToArray();
    }

    private static float[] FullLoop(SchedulerConfig cfg)
    {
        var schedule = new NoiseSchedule(cfg);
        var denoiser = new ScaleByTimestepDenoiser(3 * 8 * 8);
        using var loop = new DiffusionLoop(CpuKernels.Get(), denoiser, schedule, new DdimSampler(), 4);
        var x = DeterministicSample();
        var job = new DiffusionJob(Timesteps.For(cfg, 10), new long[] { 0, 1, 2, 3 }, Conditioning.None, 0, 0.0, StartFrom.Given);
        loop.Run(job, x);
        Assert.Equal(10, denoiser.Calls);
        return x;
    }

    [Theory]
    [InlineData("epsilon", 0.0001, true, 172.0067, 0.223967)]
    [InlineData("v_prediction", 0.0001, true, 52.5302, 0.0684)]
    [InlineData("epsilon", 0.01, true, 149.8295, 0.1951)]
    [InlineData("epsilon", 0.01, false, 149.0784, 0.1941)]
    public void DeterministicDdimLoopMatchesDiffusers(string prediction, double betaStart, bool setAlphaToOne, double sum, double mean)
    {
        var cfg = SchedulerConfig.Parse(
            $$"""{"prediction_type": "{{prediction}}", "beta_start": {{betaStart}}, "set_alpha_to_one": {{(setAlphaToOne ? "true" : "false")}}}""");
        var x = FullLoop(cfg);
        double s = x.Sum(v => Math.Abs((double)v));
        Assert.True(Math.Abs(s - sum) < 1e-2, $"Σ|x| = {s}, expected {sum}");
        Assert.True(Math.Abs(s / x.Length - mean) < 1e-3, $"mean |x| = {s / x.Length}, expected {mean}");
    }
}
