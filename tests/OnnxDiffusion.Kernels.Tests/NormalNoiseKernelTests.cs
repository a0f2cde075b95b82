using static OnnxDiffusion.Kernels.Tests.DeviceBuffers;

namespace OnnxDiffusion.Kernels.Tests;

/// <summary>
/// Statistics and the keying invariant of the counter-based noise: a sample's noise depends only on
/// (seed, global sample id, stream, element), never on batch or shard layout.
/// </summary>
[Collection("kernels")]
public class NormalNoiseKernelTests
{
    public static TheoryData<string> All() => Backends.All();

    private static float[] Fill(DiffusionKernels k, long[] ids, int sampleSize, NoiseKey key)
    {
        using var x = k.Device.Accelerator.Allocate1D<float>(ids.Length * sampleSize);
        using var idd = Upload(k, ids);
        k.FillNormal(x.View, idd.View, sampleSize, key);
        return Download(k, x);
    }

    [Theory]
    [MemberData(nameof(All))]
    public void MillionDrawsHaveStandardNormalMoments(string backend)
    {
        var k = Backends.Get(backend);
        const int perSample = 1000, samples = 1000;
        var z = Fill(k, Enumerable.Range(0, samples).Select(i => (long)i).ToArray(), perSample, new NoiseKey(123, 0));
        double n = z.Length, sum = 0, sumSq = 0, tail = 0, sum4 = 0;
        foreach (var v in z)
        {
            sum += v;
            sumSq += (double)v * v;
            sum4 += (double)v * v * v * v;
            if (Math.Abs(v) > 1.959964) tail++;
        }
        double mean = sum / n, variance = sumSq / n - mean * mean;
        Assert.InRange(mean, -4 / Math.Sqrt(n), 4 / Math.Sqrt(n));
        Assert.InRange(variance, 1 - 4 * Math.Sqrt(2 / n), 1 + 4 * Math.Sqrt(2 / n));
        // P(|z| > 1.96) = 0.05; binomial standard error.
        double se = Math.Sqrt(0.05 * 0.95 / n);
        Assert.InRange(tail / n, 0.05 - 4 * se, 0.05 + 4 * se);
        // E z⁴ = 3 with variance 96/n.
        Assert.InRange(sum4 / n, 3 - 4 * Math.Sqrt(96 / n), 3 + 4 * Math.Sqrt(96 / n));
    }

    [Theory]
    [MemberData(nameof(All))]
    public void OneSeedRepeatsAndTwoSeedsDiffer(string backend)
    {
        var k = Backends.Get(backend);
        var ids = Enumerable.Range(0, 100).Select(i => (long)i).ToArray();
        var a = Fill(k, ids, 784, new NoiseKey(1, 3));
        var again = Fill(k, ids, 784, new NoiseKey(1, 3));
        var b = Fill(k, ids, 784, new NoiseKey(2, 3));
        Assert.Equal(a, again);
        // Two independent streams: their correlation is within 4 standard errors of 0 and no value coincides often.
        double dot = 0, na = 0, nb = 0;
        int same = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
            if (a[i] == b[i]) same++;
        }
        double r = dot / Math.Sqrt(na * nb);
        Assert.InRange(r, -4 / Math.Sqrt(a.Length), 4 / Math.Sqrt(a.Length));
        Assert.True(same < 10, $"{same} identical values between seeds");
    }

    [Theory]
    [MemberData(nameof(All))]
    public void SampleNoiseIsIndependentOfBatchAndShard(string backend)
    {
        var k = Backends.Get(backend);
        const int size = 784;
        var key = new NoiseKey(77, 12);
        float[] Row(float[] all, int pos) => all.AsSpan(pos * size, size).ToArray();

        var alone = Fill(k, [5L], size, key);
        var batch7 = Row(Fill(k, Enumerable.Range(2, 7).Select(i => (long)i).ToArray(), size, key), 3);
        var batch64 = Row(Fill(k, Enumerable.Range(0, 64).Select(i => (long)i).ToArray(), size, key), 5);
        // Shard 2 of 3 owns the global ids ≡ 2 (mod 3): 2, 5, 8, … — sample 5 is its second.
        var shard = Row(Fill(k, Enumerable.Range(0, 20).Select(i => 2L + 3 * i).ToArray(), size, key), 1);
        Assert.Equal(alone, batch7);
        Assert.Equal(alone, batch64);
        Assert.Equal(alone, shard);
    }

    [Theory]
    [MemberData(nameof(All))]
    public void KernelNoiseEqualsHostReference(string backend)
    {
        var k = Backends.Get(backend);
        var key = new NoiseKey(0xDEADBEEFCAFEUL, 4);
        var got = Fill(k, [3L, 1L << 40], 17, key);
        for (int i = 0; i < got.Length; i++)
        {
            long id = i < 17 ? 3L : 1L << 40;
            float expected = Philox.Normal(key.Seed, (ulong)id, key.Stream, (uint)(i % 17));
            Close(expected, got[i], Math.Max(1, Math.Abs(expected)), 1e-5, $"{backend} element {i}");
        }
    }
}
