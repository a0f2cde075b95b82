using ILGPU;
using ILGPU.Runtime;
using OnnxDiffusion.Kernels;

namespace KernelCheck;

/// <summary>
/// One kernel launch with fixed, seeded inputs: run on two back ends, its outputs are compared element by element.
/// <see cref="NoiseScale"/> is the weight of Box–Muller noise in the output, whose GPU error is larger (see Tolerance).
/// </summary>
internal sealed record Case(string Name, int Length, double NoiseScale, Func<DiffusionKernels, float[]> Run)
{
    private static readonly (int N, int SampleSize)[] Sizes = [(1, 1), (17, 17), (1025, 41), (8197, 8197), (100003, 1), (100003, 100003)];

    public static IEnumerable<Case> All()
    {
        foreach (var (n, s) in Sizes)
        {
            string at = $"n={n} sample={s}";
            yield return new Case($"step (DDPM: clip, noise σ=0.13) {at}", n, 0.13, k => Step(k, n, s, history: false, sigma: 0.13f));
            yield return new Case($"step (DPM-Solver++(2M): x̂0 history) {at}", n, 0, k => Step(k, n, s, history: true, sigma: 0f));
            yield return new Case($"add-noise {at}", n, 1, k => AddNoise(k, n, s));
            yield return new Case($"normal noise {at}", n, 1, k => Normal(k, n, s, new NoiseKey(3, 1)));
            yield return new Case($"guidance {at}", n, 0, k => Guidance(k, n));
        }
    }

    private static float[] Floats(int n, int seed, float scale)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++)
            a[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return a;
    }

    private static long[] Ids(int n, int sampleSize) => Enumerable.Range(0, n / sampleSize).Select(i => 1000L + 7 * i).ToArray();

    private static float[] Step(DiffusionKernels k, int n, int sampleSize, bool history, float sigma)
    {
        var acc = k.Device.Accelerator;
        using var x = acc.Allocate1D(Floats(n, 1, 3f));
        using var o = acc.Allocate1D(Floats(n, 2, 1f));
        using var h = acc.Allocate1D(Floats(n, 3, 1f));
        using var ids = acc.Allocate1D(Ids(n, sampleSize));
        var c = history
            ? new StepCoefficients { PredX = 1.02f, PredOut = -0.31f, X0 = 0.84f, X = 0.41f, PrevX0 = -0.27f }
            : new StepCoefficients { PredX = 1.1f, PredOut = -0.4f, ClipRange = 1f, X0 = 0.7f, X = 0.3f, Out = 0.05f, Sigma = sigma };
        k.Step(x.View, o.View, history ? h.View : default, ids.View, sampleSize, c, new NoiseKey(5, 9));
        k.Synchronize();
        return history ? [.. x.GetAsArray1D(), .. h.GetAsArray1D()] : x.GetAsArray1D();
    }

    private static float[] AddNoise(DiffusionKernels k, int n, int sampleSize)
    {
        var acc = k.Device.Accelerator;
        var table = Enumerable.Range(0, 50).Select(i => MathF.Sqrt(1f - i / 60f)).ToArray();
        using var x = acc.Allocate1D(Floats(n, 4, 1f));
        using var t = acc.Allocate1D(Enumerable.Range(0, n / sampleSize).Select(i => i * 7 % 50).ToArray());
        using var a = acc.Allocate1D(table);
        using var b = acc.Allocate1D(table.Reverse().ToArray());
        using var ids = acc.Allocate1D(Ids(n, sampleSize));
        k.AddNoise(x.View, t.View, a.View, b.View, ids.View, sampleSize, new NoiseKey(8, NoiseKey.InitialStream));
        k.Synchronize();
        return x.GetAsArray1D();
    }

    public static float[] Normal(DiffusionKernels k, int n, int sampleSize, NoiseKey key)
    {
        var acc = k.Device.Accelerator;
        using var x = acc.Allocate1D<float>(n);
        using var ids = acc.Allocate1D(Ids(n, sampleSize).DefaultIfEmpty(0).ToArray());
        k.FillNormal(x.View, ids.View, sampleSize, key);
        k.Synchronize();
        return x.GetAsArray1D();
    }

    private static float[] Guidance(DiffusionKernels k, int n)
    {
        using var o = k.Device.Accelerator.Allocate1D(Floats(2 * n, 6, 1f));
        k.CombineGuidance(o.View, 2.5f);
        k.Synchronize();
        return o.GetAsArray1D();
    }
}
