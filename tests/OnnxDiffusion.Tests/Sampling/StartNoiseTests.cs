using OnnxDiffusion.Kernels;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Tests.Sampling;

/// <summary>
/// A reconstruction's start: x = α x0 + s ε at the first step's noise level, which is the schedule's own σ for
/// samplers that carry one (Karras, Lu) and ᾱ at the first timestep for DDPM / DDIM.
/// </summary>
[Collection("cpu-kernels")]
public class StartNoiseTests
{
    private const int Size = 5 * 7;
    private const ulong Seed = 31;

    /// <summary>Keeps the input of the first model call (the started x) and predicts zeros.</summary>
    private sealed class FirstInputDenoiser : IDenoiser
    {
        public float[]? First { get; private set; }

        public int SampleSize => Size;

        public void Predict(ReadOnlyMemory<float> sample, ReadOnlyMemory<long> timesteps, Conditioning condition, Memory<float> output)
        {
            First ??= sample.ToArray();
            output.Span.Clear();
        }
    }

    private static (float[] Started, float[] Image, long[] Ids) Start(ISampler sampler, NoiseSchedule schedule, SamplingSchedule run)
    {
        var ids = new long[] { 3, 8, 11 };
        var image = Enumerable.Range(0, ids.Length * Size).Select(i => (float)Math.Cos(0.3 * i)).ToArray();
        var denoiser = new FirstInputDenoiser();
        using var loop = new DiffusionLoop(CpuKernels.Get(), denoiser, schedule, sampler, 4);
        loop.Run(new DiffusionJob(run, ids, Conditioning.None, Seed, 0, StartFrom.Image), image.ToArray());
        return (denoiser.First!, image, ids);
    }

    private static float Z(long id, int e) => Philox.Normal(Seed, (ulong)id, NoiseKey.InitialStream, (uint)e);

    [Theory]
    [InlineData("""{"use_karras_sigmas": true}""")]
    [InlineData("""{"use_lu_lambdas": true}""")]
    public void SigmaScheduleStartsAtItsOwnSigma(string json)
    {
        var cfg = SchedulerConfig.Parse(json);
        var schedule = new NoiseSchedule(cfg);
        var sampler = Samplers.Create("dpm++2m", cfg);
        var run = sampler.Timesteps(schedule, 10).Tail(0.6);
        double sigma = run.Sigmas![0], alpha = 1 / Math.Sqrt(sigma * sigma + 1);
        // The test has teeth: ᾱ at the rounded timestep is a different level.
        Assert.True(Math.Abs(Math.Sqrt(schedule.AlphasCumprod[run[0]]) / alpha - 1) > 1e-4);
        var (started, image, ids) = Start(sampler, schedule, run);
        for (int i = 0; i < started.Length; i++)
        {
            double expected = alpha * image[i] + sigma * alpha * Z(ids[i / Size], i % Size);
            Assert.True(Math.Abs(expected - started[i]) <= 1e-6 * (1 + Math.Abs(expected)), $"i={i}: expected {expected:R}, got {started[i]:R}");
        }
    }

    [Theory]
    [InlineData("ddim")]
    [InlineData("ddpm")]
    public void AlphaBarScheduleStartsFromTheTablesAtItsFirstTimestep(string name)
    {
        var cfg = new SchedulerConfig();
        var schedule = new NoiseSchedule(cfg);
        var sampler = Samplers.Create(name, cfg);
        var run = sampler.Timesteps(schedule, 10).Tail(0.6);
        var (started, image, ids) = Start(sampler, schedule, run);
        float a = schedule.SqrtAlphaBar[run[0]], s = schedule.SqrtOneMinusAlphaBar[run[0]];
        for (int i = 0; i < started.Length; i++)
            Assert.Equal(a * image[i] + s * Z(ids[i / Size], i % Size), started[i], 6);
    }
}
