using static OnnxDiffusion.Kernels.Tests.DeviceBuffers;

namespace OnnxDiffusion.Kernels.Tests;

/// <summary>The fused step kernel against a float64 evaluation of the same affine update.</summary>
[Collection("kernels")]
public class StepKernelTests
{
    public static TheoryData<string, int, int> Cases() => Backends.BackendsAndSizes();

    private static readonly StepCoefficients Deterministic = new()
    {
        PredX = 1.7f, PredOut = -0.9f, ClipRange = 0f, X0 = 0.6f, X = 0.35f, Out = -0.2f, Sigma = 0f,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DeterministicUpdateMatchesFloat64(string backend, int n, int sampleSize) =>
        Check(backend, n, sampleSize, Deterministic);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ClippedNoisyUpdateMatchesFloat64(string backend, int n, int sampleSize) =>
        Check(backend, n, sampleSize, Deterministic with { ClipRange = 1f, Sigma = 0.3f });

    [Theory]
    [MemberData(nameof(Cases))]
    public void MultistepUpdateReadsThePreviousX0AndLeavesItsOwn(string backend, int n, int sampleSize) =>
        Check(backend, n, sampleSize, Deterministic with { ClipRange = 1f, PrevX0 = -0.45f }, withHistory: true);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ZeroHistoryWeightIgnoresWhatTheBufferHolds(string backend, int n, int sampleSize) =>
        Check(backend, n, sampleSize, Deterministic, withHistory: true, history: float.NaN);

    private static void Check(string backend, int n, int sampleSize, StepCoefficients c, bool withHistory = false, float? history = null)
    {
        var k = Backends.Get(backend);
        var x = RandomFloats(n, n, 2f);
        var o = RandomFloats(n, n + 1, 2f);
        int batch = n / sampleSize;
        var ids = Enumerable.Range(0, batch).Select(i => 1000L + 3 * i).ToArray();
        var key = new NoiseKey(42, 7);
        using var xd = Upload(k, x);
        using var od = Upload(k, o);
        using var idd = Upload(k, ids);
        var h = history is { } fill ? Enumerable.Repeat(fill, n).ToArray() : RandomFloats(n, n + 2, 1f);
        using var hd = Upload(k, h);
        if (withHistory)
            k.Step(xd.View, od.View, hd.View, idd.View, sampleSize, c, key);
        else
            k.Step(xd.View, od.View, idd.View, sampleSize, c, key);
        var got = Download(k, xd);
        var left = Download(k, hd);
        for (int i = 0; i < n; i++)
        {
            double x0 = (double)c.PredX * x[i] + (double)c.PredOut * o[i];
            if (c.ClipRange > 0)
                x0 = Math.Clamp(x0, -c.ClipRange, c.ClipRange);
            double z = c.Sigma != 0 ? Philox.Normal(key.Seed, (ulong)ids[i / sampleSize], key.Stream, (uint)(i % sampleSize)) : 0;
            double prev = c.PrevX0 != 0 ? (double)c.PrevX0 * h[i] : 0;
            double expected = c.X0 * x0 + (double)c.X * x[i] + (double)c.Out * o[i] + (double)c.Sigma * z + prev;
            double magnitude = Math.Abs(c.X0 * x0) + Math.Abs((double)c.X * x[i]) + Math.Abs((double)c.Out * o[i]) + Math.Abs(c.Sigma * z)
                               + Math.Abs(c.X0) * (Math.Abs(c.PredX * x[i]) + Math.Abs(c.PredOut * o[i]));
            Close(expected, got[i], magnitude + Math.Abs(prev), 1e-5, $"{backend} element {i}");
            if (withHistory)
                Close(x0, left[i], Math.Abs(c.PredX * x[i]) + Math.Abs(c.PredOut * o[i]), 1e-5, $"{backend} history {i}");
        }
    }
}

