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

    private static readonly StepCoefficients Corrected = Deterministic with
    {
        ClipRange = 1f, PrevX0 = 0.25f, Sigma = 0.3f,
        Corrector = 1, CorrectorLast = 0.8f, CorrectorX0 = -0.3f, CorrectorPrevX0 = 0.45f, CorrectorOlderX0 = -0.15f,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void CorrectorReadsAllStateAndShiftsIt(string backend, int n, int sampleSize) =>
        CheckCorrected(backend, n, sampleSize, Corrected, stale: false);

    [Theory]
    [MemberData(nameof(Cases))]
    public void CorrectorTermsOfWeightZeroIgnoreWhatTheirBuffersHold(string backend, int n, int sampleSize) =>
        CheckCorrected(backend, n, sampleSize, Corrected with { PrevX0 = 0f, CorrectorPrevX0 = 0f, CorrectorOlderX0 = 0f, CorrectorLast = 0f },
            stale: true);

    [Theory]
    [MemberData(nameof(Cases))]
    public void CorrectorOffUsesXAndStillShiftsTheState(string backend, int n, int sampleSize) =>
        CheckCorrected(backend, n, sampleSize, Corrected with { Corrector = 0, PrevX0 = 0f }, stale: true);

    [Fact]
    public void AWeightOnAMissingBufferIsRefused()
    {
        var k = Backends.Get("cpu");
        using var xd = Upload(k, new float[4]);
        using var hd = Upload(k, new float[4]);
        using var idd = Upload(k, new long[1]);
        Assert.Throws<ArgumentException>(() => k.Step(xd.View, xd.View, hd.View, default, default, idd.View, 4, Corrected, new NoiseKey(1, 1)));
        Assert.Throws<ArgumentException>(() => k.Step(xd.View, xd.View, idd.View, 4, Deterministic with { PrevX0 = 1f }, new NoiseKey(1, 1)));
        Assert.Throws<ArgumentException>(() => k.Step(xd.View, xd.View, default, hd.View, default, idd.View, 4, Deterministic, new NoiseKey(1, 1)));
    }

    /// <summary>
    /// The step with all three state buffers against float64: xc from the corrector (or x), the update from xc, and the
    /// state left behind (h2 ← h1 exactly, h1 ← x̂0, last ← xc). With <paramref name="stale"/> the buffers whose weights
    /// are zero hold NaN, which must not reach x.
    /// </summary>
    private static void CheckCorrected(string backend, int n, int sampleSize, StepCoefficients c, bool stale)
    {
        var k = Backends.Get(backend);
        var x = RandomFloats(n, n, 2f);
        var o = RandomFloats(n, n + 1, 2f);
        float[] State(int seed, bool read) => stale && !read ? Enumerable.Repeat(float.NaN, n).ToArray() : RandomFloats(n, seed, 1.5f);
        var h1 = State(n + 2, c.ReadsPrevX0 || c.Corrector == 0);
        var h2 = State(n + 3, c.ReadsOlderX0);
        var last = State(n + 4, c.ReadsLast);
        var ids = Enumerable.Range(0, n / sampleSize).Select(i => 1000L + 3 * i).ToArray();
        var key = new NoiseKey(42, 7);
        using var xd = Upload(k, x);
        using var od = Upload(k, o);
        using var h1d = Upload(k, h1);
        using var h2d = Upload(k, h2);
        using var lastd = Upload(k, last);
        using var idd = Upload(k, ids);
        k.Step(xd.View, od.View, h1d.View, h2d.View, lastd.View, idd.View, sampleSize, c, key);
        var (got, h1Left, h2Left, lastLeft) = (Download(k, xd), Download(k, h1d), Download(k, h2d), Download(k, lastd));
        for (int i = 0; i < n; i++)
        {
            double raw = (double)c.PredX * x[i] + (double)c.PredOut * o[i];
            double x0 = c.ClipRange > 0 ? Math.Clamp(raw, -c.ClipRange, c.ClipRange) : raw;
            double x0Scale = Math.Abs(c.PredX * x[i]) + Math.Abs(c.PredOut * o[i]);
            double Term(float w, float v) => w != 0 ? (double)w * v : 0;
            double xc = x[i], xcScale = Math.Abs(x[i]);
            if (c.Corrector != 0)
            {
                xc = c.CorrectorX0 * x0 + Term(c.CorrectorLast, last[i]) + Term(c.CorrectorPrevX0, h1[i]) + Term(c.CorrectorOlderX0, h2[i]);
                xcScale = Math.Abs(c.CorrectorX0) * (Math.Abs(x0) + x0Scale) + Math.Abs(Term(c.CorrectorLast, last[i]))
                          + Math.Abs(Term(c.CorrectorPrevX0, h1[i])) + Math.Abs(Term(c.CorrectorOlderX0, h2[i]));
            }
            double z = Philox.Normal(key.Seed, (ulong)ids[i / sampleSize], key.Stream, (uint)(i % sampleSize));
            double expected = c.X0 * x0 + c.X * xc + (double)c.Out * o[i] + Term(c.PrevX0, h1[i]) + (double)c.Sigma * z;
            double magnitude = Math.Abs(c.X0) * (Math.Abs(x0) + x0Scale) + Math.Abs(c.X) * (Math.Abs(xc) + xcScale)
                               + Math.Abs((double)c.Out * o[i]) + Math.Abs(Term(c.PrevX0, h1[i])) + Math.Abs(c.Sigma * z);
            Close(expected, got[i], magnitude, 1e-5, $"{backend} element {i}");
            Close(x0, h1Left[i], x0Scale, 1e-5, $"{backend} h1 {i}");
            Assert.Equal(BitConverter.SingleToInt32Bits(h1[i]), BitConverter.SingleToInt32Bits(h2Left[i]));
            Close(xc, lastLeft[i], xcScale, 1e-5, $"{backend} last {i}");
        }
    }
}
