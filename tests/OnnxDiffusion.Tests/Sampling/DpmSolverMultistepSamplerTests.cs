using System.Text.Json.Nodes;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;
using Xunit.Abstractions;

namespace OnnxDiffusion.Tests.Sampling;

/// <summary>
/// The sampler contract for DPM-Solver++(2M), with the step written out from reference.md (λ = ln α − ln s, D0, D1),
/// diffusers' test_scheduler_dpm_multi goldens through the ILGPU kernel on the CPU accelerator, and the 10-step lists.
/// </summary>
[Collection("cpu-kernels")]
public class DpmSolverMultistepSamplerTests(ITestOutputHelper output) : SamplerContractTests<DpmSolverMultistepSampler>
{
    /// <summary>reference.md's test config: T 1000, linear 1e-4…0.02, order 2, no lower-order or Euler last step, final σ = σmin.</summary>
    private const string Golden =
        """{"num_train_timesteps": 1000, "beta_start": 0.0001, "beta_end": 0.02, "beta_schedule": "linear", "solver_order": 2, "prediction_type": "epsilon", "algorithm_type": "dpmsolver++", "solver_type": "midpoint", "lower_order_final": false, "euler_at_final": false, "final_sigmas_type": "sigma_min"}""";

    protected override DpmSolverMultistepSampler Create(SchedulerConfig config) => (DpmSolverMultistepSampler)Samplers.Create("dpm++2m", config);

    protected override IEnumerable<(string Json, int Steps)> Cases =>
    [
        ("{}", 10),
        (Golden, 10),
        ("""{"prediction_type": "v_prediction", "use_karras_sigmas": true, "final_sigmas_type": "sigma_min", "lower_order_final": false}""", 10),
        ("""{"prediction_type": "v_prediction", "use_lu_lambdas": true, "solver_type": "heun"}""", 10),
        ("""{"prediction_type": "sample", "timestep_spacing": "trailing", "solver_type": "heun", "final_sigmas_type": "sigma_min"}""", 10),
        ("""{"solver_order": 1, "timestep_spacing": "leading", "steps_offset": 1}""", 10),
        ("""{"use_karras_sigmas": true, "euler_at_final": true, "final_sigmas_type": "sigma_min", "lower_order_final": false}""", 10),
        ("""{"final_sigmas_type": "sigma_min", "solver_type": "heun"}""", 16),
    ];

    protected override string FinalStepConfig => "{}";

    protected override StepReference Reference(SchedulerConfig config, NoiseSchedule schedule, SamplingSchedule run, int index, double eta,
        double x, double output, StepHistory history, double z)
    {
        var keys = JsonNode.Parse(config.SourceJson)!.AsObject();
        int order = (int?)keys["solver_order"] ?? 2;
        bool heun = ((string?)keys["solver_type"] ?? "midpoint") == "heun";
        bool lowerOrderFinal = (bool?)keys["lower_order_final"] ?? true;
        bool eulerAtFinal = (bool?)keys["euler_at_final"] ?? false;
        bool finalZero = ((string?)keys["final_sigmas_type"] ?? "zero") == "zero";

        var sigmas = run.Sigmas!;
        (double Alpha, double S, double Lambda) Level(double sigma)
        {
            double alpha = 1 / Math.Sqrt(sigma * sigma + 1), s = sigma * alpha;
            return (alpha, s, Math.Log(alpha) - Math.Log(s));
        }
        var (a0, s0, l0) = Level(sigmas[index]);
        var (a1, s1, l1) = Level(sigmas[index + 1]);
        var (m0, scale) = config.PredictionType switch
        {
            PredictionType.Epsilon => ((x - s0 * output) / a0, (Math.Abs(x) + s0 * Math.Abs(output)) / a0),
            PredictionType.VPrediction => (a0 * x - s0 * output, a0 * Math.Abs(x) + s0 * Math.Abs(output)),
            _ => (output, Math.Abs(output)),
        };
        double h = l1 - l0;
        bool last = index == run.Count - 1;
        bool firstOrder = order == 1 || index == 0 || (last && (eulerAtFinal || (lowerOrderFinal && run.FullCount < 15) || finalZero));
        double xWeight = s1 / s0;
        double d0Weight = -a1 * (Math.Exp(-h) - 1);
        if (firstOrder)
        {
            double first = xWeight * x + d0Weight * m0;
            return new StepReference(first, Math.Abs(xWeight * x) + Math.Abs(d0Weight) * scale, m0, scale);
        }
        var (_, _, lPrev) = Level(sigmas[index - 1]);
        double r0 = (l0 - lPrev) / h;
        double d1 = (m0 - history.PrevX0) / r0;
        double d1Weight = heun ? a1 * ((Math.Exp(-h) - 1) / h + 1) : -0.5 * a1 * (Math.Exp(-h) - 1);
        double next = xWeight * x + d0Weight * m0 + d1Weight * d1;
        double nextScale = Math.Abs(xWeight * x) + Math.Abs(d0Weight) * scale + Math.Abs(d1Weight / r0) * (scale + Math.Abs(history.PrevX0));
        return new StepReference(next, nextScale, m0, scale);
    }

    /// <summary>diffusers' dummy loop: model x·t/(t+1) on the 4×3×8×8 sample from <paramref name="start"/> over <paramref name="run"/>.</summary>
    private static float[] Loop(string json, Func<SamplingSchedule, SamplingSchedule> pick, Func<SamplingSchedule, float[]>? start = null) =>
        GoldenLoopTests.DummyLoop(json, c => Samplers.Create("dpm++2m", c), pick, start);

    /// <summary>The golden config with some keys replaced.</summary>
    private static string With(string extra) => GoldenLoopTests.WithKeys(Golden, extra);

    [Theory]
    [InlineData("", 0.3301)]
    [InlineData("\"prediction_type\": \"v_prediction\"", 0.2251)]
    [InlineData("\"prediction_type\": \"v_prediction\", \"use_karras_sigmas\": true", 0.2096)]
    [InlineData("\"prediction_type\": \"v_prediction\", \"use_lu_lambdas\": true", 0.1554)]
    public void FullLoopMatchesDiffusers(string extra, double mean)
    {
        var x = Loop(extra.Length == 0 ? Golden : With(extra), r => r);
        double got = x.Average(v => Math.Abs((double)v));
        output.WriteLine($"mean |x| = {got:F6} (Σ|x| = {got * x.Length:F4})");
        Assert.True(Math.Abs(got - mean) < 1e-3, $"mean |x| = {got:R}, expected {mean}"); // upstream tolerance
    }

    [Fact]
    public void LoopFromNoisedSampleMatchesDiffusers()
    {
        // diffusers noises the sample with its schedule's σ at timesteps[5] (x = α x0 + s ε) and runs the last 5 steps;
        // ε is the dummy sample of the reversed numbers 767 … 0.
        var x = Loop(Golden, r => r.Tail(0.5), GoldenLoopTests.NoisedDummySample);
        double sum = x.Sum(v => Math.Abs((double)v));
        output.WriteLine($"Σ|x| = {sum:F4}, mean |x| = {sum / x.Length:F6}");
        Assert.True(Math.Abs(sum - 318.4111) < 1e-2, $"Σ|x| = {sum:R}, expected 318.4111");
        Assert.True(Math.Abs(sum / x.Length - 0.4146) < 1e-3, $"mean |x| = {sum / x.Length:R}, expected 0.4146");
    }

    [Fact]
    public void NoisedLoopStartsFromTheFifthTimestep()
    {
        var schedule = new NoiseSchedule(SchedulerConfig.Parse(Golden));
        var run = Create(schedule.Config).Timesteps(schedule, 10).Tail(0.5);
        Assert.Equal([500, 400, 300, 200, 100], run.Timesteps);
        Assert.Equal(10, run.FullCount);
    }

    [Theory]
    [InlineData("{}", new[] { 999, 899, 799, 699, 599, 500, 400, 300, 200, 100 })]
    [InlineData("""{"use_karras_sigmas": true}""", new[] { 999, 937, 864, 775, 663, 511, 301, 102, 18, 0 })]
    [InlineData("""{"use_lu_lambdas": true}""", new[] { 999, 886, 757, 603, 410, 202, 73, 22, 5, 0 })]
    [InlineData("""{"timestep_spacing": "linspace"}""", new[] { 999, 899, 799, 699, 599, 500, 400, 300, 200, 100 })]
    [InlineData("""{"timestep_spacing": "leading"}""", new[] { 900, 810, 720, 630, 540, 450, 360, 270, 180, 90 })]
    [InlineData("""{"timestep_spacing": "leading", "steps_offset": 1}""", new[] { 901, 811, 721, 631, 541, 451, 361, 271, 181, 91 })]
    [InlineData("""{"timestep_spacing": "trailing"}""", new[] { 999, 899, 799, 699, 599, 499, 399, 299, 199, 99 })]
    public void TenStepTimesteps(string json, int[] expected)
    {
        var schedule = new NoiseSchedule(SchedulerConfig.Parse(json));
        var run = Create(schedule.Config).Timesteps(schedule, 10);
        Assert.Equal(expected, run.Timesteps);
        Assert.Equal(11, run.Sigmas!.Length);
    }

    [Theory]
    [InlineData("{}", false)]
    [InlineData("""{"use_karras_sigmas": true}""", true)]
    [InlineData("""{"use_lu_lambdas": true}""", true)]
    public void StepSigmasAreTheScheduleOwn(string json, bool between)
    {
        // Plain σ is σ(t) at the integer timestep; Karras and Lu σ fall between the integer levels and stay their own.
        var schedule = new NoiseSchedule(SchedulerConfig.Parse(json));
        var run = Create(schedule.Config).Timesteps(schedule, 10);
        var atT = run.Timesteps.Select(t => Math.Sqrt((1 - schedule.AlphasCumprod[t]) / schedule.AlphasCumprod[t])).ToArray();
        double worst = run.Sigmas!.Take(10).Zip(atT, (s, a) => Math.Abs(s / a - 1)).Max();
        if (between)
            Assert.True(worst > 1e-3, $"largest relative gap to σ(t) {worst}");
        else
            Assert.True(worst < 1e-15, $"largest relative gap to σ(t) {worst}");
        Assert.Equal(0.0, run.Sigmas![^1]); // final_sigmas_type zero by default
    }

    [Fact]
    public void FinalSigmaMinIsSigmaAtTimestepZero()
    {
        var schedule = new NoiseSchedule(SchedulerConfig.Parse("""{"final_sigmas_type": "sigma_min"}"""));
        var run = Create(schedule.Config).Timesteps(schedule, 10);
        double a0 = schedule.AlphasCumprod[0];
        Assert.Equal(Math.Sqrt((1 - a0) / a0), run.Sigmas![^1]);
    }

    [Fact]
    public void FinalSigmaZeroReturnsThePredictionExactly()
    {
        foreach (var prediction in new[] { "epsilon", "v_prediction", "sample" })
        {
            var schedule = new NoiseSchedule(SchedulerConfig.Parse($$"""{"prediction_type": "{{prediction}}", "lower_order_final": false}"""));
            var sampler = Create(schedule.Config);
            var run = sampler.Timesteps(schedule, 20);
            var c = sampler.Coefficients(schedule, run, run.Count - 1, 0);
            Assert.True(sampler.IsFirstOrder(run, run.Count - 1)); // final σ 0 forces first order even at 20 steps
            Assert.Equal((1f, 0f, 0f, 0f, 0f), (c.X0, c.X, c.Out, c.PrevX0, c.Sigma));
            Assert.True(float.IsFinite(c.PredX) && float.IsFinite(c.PredOut));
        }
    }

    [Fact]
    public void RepeatedFinalSigmaIsTheIdentityWithoutNaN()
    {
        // Karras ends at σmin and final_sigmas_type sigma_min repeats it: h = 0 on the last step. diffusers' Heun weight
        // (e^{−h} − 1)/h is 0/0 there; its limit, and the midpoint weight, make the step the identity.
        foreach (var solver in new[] { "midpoint", "heun" })
        {
            var schedule = new NoiseSchedule(SchedulerConfig.Parse(
                $$"""{"use_karras_sigmas": true, "final_sigmas_type": "sigma_min", "lower_order_final": false, "solver_type": "{{solver}}"}"""));
            var sampler = Create(schedule.Config);
            var run = sampler.Timesteps(schedule, 10);
            Assert.False(sampler.IsFirstOrder(run, 9));
            var c = sampler.Coefficients(schedule, run, 9, 0);
            Assert.Equal((0f, 1f, 0f), (c.X0, c.X, c.PrevX0));
        }
    }

    [Theory]
    [InlineData("{}", 10, new[] { 0, 9 })]
    [InlineData("""{"final_sigmas_type": "sigma_min"}""", 10, new[] { 0, 9 })]
    [InlineData("""{"final_sigmas_type": "sigma_min"}""", 15, new[] { 0 })]
    [InlineData("""{"final_sigmas_type": "sigma_min", "lower_order_final": false}""", 10, new[] { 0 })]
    [InlineData("""{"final_sigmas_type": "sigma_min", "lower_order_final": false, "euler_at_final": true}""", 10, new[] { 0, 9 })]
    [InlineData("""{"final_sigmas_type": "sigma_min", "euler_at_final": true}""", 20, new[] { 0, 19 })]
    [InlineData("""{"solver_order": 1}""", 4, new[] { 0, 1, 2, 3 })]
    public void FirstOrderSteps(string json, int steps, int[] expected)
    {
        var schedule = new NoiseSchedule(SchedulerConfig.Parse(json));
        var sampler = Create(schedule.Config);
        var run = sampler.Timesteps(schedule, steps);
        Assert.Equal(expected, Enumerable.Range(0, steps).Where(i => sampler.IsFirstOrder(run, i)));
        for (int i = 0; i < steps; i++)
            Assert.Equal(sampler.IsFirstOrder(run, i), sampler.Coefficients(schedule, run, i, 0).PrevX0 == 0f);
    }

    [Fact]
    public void TailStartsFirstOrderAndKeepsTheWholeListLength()
    {
        // A reconstruction's first step has no history; lower_order_final looks at the whole list (FullCount), not the tail.
        var schedule = new NoiseSchedule(SchedulerConfig.Parse("""{"final_sigmas_type": "sigma_min"}"""));
        var sampler = Create(schedule.Config);
        var tail = sampler.Timesteps(schedule, 20).Tail(0.4);
        Assert.Equal(8, tail.Count);
        Assert.Equal(20, tail.FullCount);
        Assert.Equal([0], Enumerable.Range(0, tail.Count).Where(i => sampler.IsFirstOrder(tail, i)));
    }

    [Fact]
    public void ScheduleWithoutSigmasUsesSigmaAtEachTimestep()
    {
        var schedule = new NoiseSchedule(SchedulerConfig.Parse(Golden));
        var sampler = Create(schedule.Config);
        var own = sampler.Timesteps(schedule, 10);
        SamplingSchedule bare = own.Timesteps;
        for (int i = 0; i < own.Count; i++)
            Assert.Equal(sampler.Coefficients(schedule, own, i, 0), sampler.Coefficients(schedule, bare, i, 0));
    }

    [Fact]
    public void RepeatedNoiseLevelsAreRefused()
    {
        var schedule = new NoiseSchedule(new SchedulerConfig());
        var ex = Assert.Throws<ConfigException>(() => Create(schedule.Config).Timesteps(schedule, 1000));
        Assert.Contains("steps = 1000", ex.Message);
    }
}
