using ILGPU;
using ILGPU.Runtime;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Tests.Sampling;

/// <summary>
/// One sampler step through the fused kernel against the step written out in float64 straight from the
/// formulas (reference.md), for every prediction type, both DDPM variances, DDIM η, clipping and the
/// last-step rules. Sizes are odd on purpose.
/// </summary>
[Collection("cpu-kernels")]
public class SamplerStepTests
{
    private const ulong Seed = 99;

    private static (float[] X, float[] O, long[] Ids) Inputs(int n, int sampleSize)
    {
        var rng = new Random(n);
        var x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var o = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var ids = Enumerable.Range(0, n / sampleSize).Select(i => 10L + i).ToArray();
        return (x, o, ids);
    }

    private static float[] RunKernel(StepCoefficients c, float[] x, float[] o, long[] ids, int sampleSize, uint stream)
    {
        var k = CpuKernels.Get();
        var acc = k.Device.Accelerator;
        using var xd = acc.Allocate1D(x);
        using var od = acc.Allocate1D(o);
        using var idd = acc.Allocate1D(ids);
        k.Step(xd.View, od.View, idd.View, sampleSize, c, new NoiseKey(Seed, stream));
        k.Synchronize();
        return xd.GetAsArray1D();
    }

    private static double Z(long id, int t, int e) => Philox.Normal(Seed, (ulong)id, (uint)t, (uint)e);

    private static (double X0, double Eps) Predict(PredictionType p, double a, double x, double o) => p switch
    {
        PredictionType.Epsilon => ((x - Math.Sqrt(1 - a) * o) / Math.Sqrt(a), o),
        PredictionType.VPrediction => (Math.Sqrt(a) * x - Math.Sqrt(1 - a) * o, Math.Sqrt(a) * o + Math.Sqrt(1 - a) * x),
        _ => (o, (x - Math.Sqrt(a) * o) / Math.Sqrt(1 - a)),
    };

    public static TheoryData<string, string, bool, int, int> DdpmCases()
    {
        var d = new TheoryData<string, string, bool, int, int>();
        foreach (var p in new[] { "epsilon", "v_prediction", "sample" })
            foreach (var v in new[] { "fixed_small", "fixed_large" })
                foreach (var clip in new[] { true, false })
                    foreach (var (t, tp) in new[] { (999, 979), (480, 460), (20, 0), (0, -1) })
                        d.Add(p, v, clip, t, tp);
        return d;
    }

    [Theory]
    [MemberData(nameof(DdpmCases))]
    public void DdpmStepMatchesFloat64(string prediction, string variance, bool clip, int t, int tPrev)
    {
        var cfg = SchedulerConfig.Parse($$"""{"prediction_type": "{{prediction}}", "variance_type": "{{variance}}", "clip_sample": {{(clip ? "true" : "false")}}}""");
        var s = new NoiseSchedule(cfg);
        foreach (var (n, size) in new[] { (1, 1), (17, 17), (1025, 41), (8197, 8197) })
        {
            var (x, o, ids) = Inputs(n, size);
            var got = RunKernel(new DdpmSampler().Coefficients(s, t, tPrev, 0), x, o, ids, size, (uint)t);
            double a = s.AlphasCumprod[t], ap = tPrev >= 0 ? s.AlphasCumprod[tPrev] : 1.0;
            double alpha = a / ap, beta = 1 - alpha;
            double var = variance == "fixed_large" ? beta : Math.Max((1 - ap) / (1 - a) * beta, 1e-20);
            for (int i = 0; i < n; i++)
            {
                var (x0, _) = Predict(cfg.PredictionType, a, x[i], o[i]);
                double x0c = clip ? Math.Clamp(x0, -1, 1) : x0;
                double c0 = Math.Sqrt(ap) * beta / (1 - a), c1 = Math.Sqrt(alpha) * (1 - ap) / (1 - a);
                double noise = t > 0 ? Math.Sqrt(var) * Z(ids[i / size], t, i % size) : 0;
                double expected = c0 * x0c + c1 * x[i] + noise;
                // Scale of the float32 terms, including x̂0's own terms (large near t = T).
                double mag = Math.Abs(c0) * (Math.Abs(x0c) + Math.Abs(x0 - x0c) + Term(cfg.PredictionType, a, x[i], o[i]))
                             + Math.Abs(c1 * x[i]) + Math.Abs(noise);
                Assert.True(Math.Abs(expected - got[i]) <= 1e-5 * mag,
                    $"n={n} i={i}: expected {expected:R}, got {got[i]:R}");
            }
        }
    }

    public static TheoryData<string, bool, bool, double, int, int> DdimCases()
    {
        var d = new TheoryData<string, bool, bool, double, int, int>();
        foreach (var p in new[] { "epsilon", "v_prediction", "sample" })
            foreach (var clip in new[] { true, false })
                foreach (var one in new[] { true, false })
                    foreach (var eta in new[] { 0.0, 0.5, 1.0 })
                        foreach (var (t, tp) in new[] { (999, 958), (500, 480), (20, -1) })
                            d.Add(p, clip, one, eta, t, tp);
        return d;
    }

    [Theory]
    [MemberData(nameof(DdimCases))]
    public void DdimStepMatchesFloat64(string prediction, bool clip, bool setAlphaToOne, double eta, int t, int tPrev)
    {
        var cfg = SchedulerConfig.Parse($$"""{"prediction_type": "{{prediction}}", "clip_sample": {{(clip ? "true" : "false")}}, "set_alpha_to_one": {{(setAlphaToOne ? "true" : "false")}}}""");
        var s = new NoiseSchedule(cfg);
        foreach (var (n, size) in new[] { (17, 17), (1025, 41) })
        {
            var (x, o, ids) = Inputs(n, size);
            var got = RunKernel(new DdimSampler().Coefficients(s, t, tPrev, eta), x, o, ids, size, (uint)t);
            double a = s.AlphasCumprod[t];
            double ap = tPrev >= 0 ? s.AlphasCumprod[tPrev] : (setAlphaToOne ? 1.0 : s.AlphasCumprod[0]);
            double sigma = eta * Math.Sqrt((1 - ap) / (1 - a) * (1 - a / ap));
            for (int i = 0; i < n; i++)
            {
                var (x0, eps) = Predict(cfg.PredictionType, a, x[i], o[i]);
                double x0c = clip ? Math.Clamp(x0, -1, 1) : x0;
                double dir = Math.Sqrt(1 - ap - sigma * sigma);
                double noise = sigma * Z(ids[i / size], t, i % size);
                double expected = Math.Sqrt(ap) * x0c + dir * eps + noise;
                double mag = Math.Sqrt(ap) * (Math.Abs(x0c) + Math.Abs(x0 - x0c) + Term(cfg.PredictionType, a, x[i], o[i]))
                             + dir * (Math.Abs(eps) + Term(cfg.PredictionType, a, x[i], o[i])) + Math.Abs(noise);
                Assert.True(Math.Abs(expected - got[i]) <= 1e-5 * mag,
                    $"n={n} i={i}: expected {expected:R}, got {got[i]:R}");
            }
        }
    }

    /// <summary>Sum of the magnitudes of the terms that make x̂0 (what float32 rounding scales with).</summary>
    private static double Term(PredictionType p, double a, double x, double o) => p switch
    {
        PredictionType.Epsilon => (Math.Abs(x) + Math.Sqrt(1 - a) * Math.Abs(o)) / Math.Sqrt(a),
        PredictionType.VPrediction => Math.Sqrt(a) * Math.Abs(x) + Math.Sqrt(1 - a) * Math.Abs(o),
        _ => (Math.Abs(x) + Math.Sqrt(a) * Math.Abs(o)) / Math.Sqrt(1 - a),
    };

    [Fact]
    public void LastStepReturnsTheClippedPrediction()
    {
        // DDIM with set_alpha_to_one and DDPM both end at x̂0 exactly.
        var s = new NoiseSchedule(new SchedulerConfig());
        var (x, o, ids) = Inputs(17, 17);
        foreach (ISampler sampler in new ISampler[] { new DdimSampler(), new DdpmSampler() })
        {
            var got = RunKernel(sampler.Coefficients(s, [20], 0, 0), x, o, ids, 17, 20);
            for (int i = 0; i < 17; i++)
            {
                double x0 = Math.Clamp((x[i] - Math.Sqrt(1 - s.AlphasCumprod[20]) * o[i]) / Math.Sqrt(s.AlphasCumprod[20]), -1, 1);
                Assert.Equal(x0, got[i], 5);
            }
        }
    }

    [Fact]
    public void EtaOutsideUnitIntervalIsRejected() =>
        Assert.Throws<ConfigException>(() => new DdimSampler().Coefficients(new NoiseSchedule(new SchedulerConfig()), 10, 0, 1.5));

    [Fact]
    public void UnknownSamplerNameIsRejected()
    {
        var ex = Assert.Throws<ConfigException>(() => Samplers.Create("euler"));
        Assert.Contains("euler", ex.Message);
    }
}
