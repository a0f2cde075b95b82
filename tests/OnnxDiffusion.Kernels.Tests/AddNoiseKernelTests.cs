using static OnnxDiffusion.Kernels.Tests.DeviceBuffers;

namespace OnnxDiffusion.Kernels.Tests;

/// <summary>Forward noising with a timestep per sample against float64.</summary>
[Collection("kernels")]
public class AddNoiseKernelTests
{
    public static TheoryData<string, int, int> Cases() => Backends.BackendsAndSizes();

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesFloat64(string backend, int n, int sampleSize)
    {
        var k = Backends.Get(backend);
        // A made-up ᾱ table: strictly decreasing from ~1 to ~0, evaluated in float64.
        const int T = 1000;
        var abar = Enumerable.Range(0, T).Select(t => Math.Exp(-10.0 * (t + 1) / T)).ToArray();
        var sa = abar.Select(a => (float)Math.Sqrt(a)).ToArray();
        var sb = abar.Select(a => (float)Math.Sqrt(1 - a)).ToArray();
        int batch = n / sampleSize;
        var ts = Enumerable.Range(0, batch).Select(i => (i * 397) % T).ToArray();
        var ids = Enumerable.Range(0, batch).Select(i => (long)i * 11 + 5).ToArray();
        var x = RandomFloats(n, 3 * n);
        var key = new NoiseKey(9, NoiseKey.InitialStream);
        using var xd = Upload(k, x);
        using var td = Upload(k, ts);
        using var sad = Upload(k, sa);
        using var sbd = Upload(k, sb);
        using var idd = Upload(k, ids);
        k.AddNoise(xd.View, td.View, sad.View, sbd.View, idd.View, sampleSize, key);
        var got = Download(k, xd);
        for (int i = 0; i < n; i++)
        {
            int b = i / sampleSize;
            double z = Philox.Normal(key.Seed, (ulong)ids[b], key.Stream, (uint)(i % sampleSize));
            double a = abar[ts[b]];
            double expected = Math.Sqrt(a) * x[i] + Math.Sqrt(1 - a) * z;
            Close(expected, got[i], Math.Abs(Math.Sqrt(a) * x[i]) + Math.Abs(Math.Sqrt(1 - a) * z), 1e-5, $"{backend} element {i}");
        }
    }
}
