using static OnnxDiffusion.Kernels.Tests.DeviceBuffers;

namespace OnnxDiffusion.Kernels.Tests;

/// <summary>Classifier-free guidance combine against float64.</summary>
[Collection("kernels")]
public class GuidanceKernelTests
{
    public static TheoryData<string, int, int> Cases() => Backends.BackendsAndSizes();

    [Theory]
    [MemberData(nameof(Cases))]
    public void CombinesHalves(string backend, int n, int sampleSize)
    {
        _ = sampleSize;
        var k = Backends.Get(backend);
        var both = RandomFloats(2 * n, n + 17, 3f);
        const float w = 2.5f;
        using var d = Upload(k, both);
        k.CombineGuidance(d.View, w);
        var got = Download(k, d);
        for (int i = 0; i < n; i++)
        {
            double c = both[i], u = both[n + i];
            double expected = u + w * (c - u);
            Close(expected, got[i], Math.Abs(u) + Math.Abs(w * c) + Math.Abs(w * u), 1e-5, $"{backend} element {i}");
            Assert.Equal(both[n + i], got[n + i]); // the unconditional half is left alone
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public void ScaleOneIsTheConditionalPrediction(string backend)
    {
        var k = Backends.Get(backend);
        var both = RandomFloats(2 * 33, 5);
        using var d = Upload(k, both);
        k.CombineGuidance(d.View, 1f);
        var got = Download(k, d);
        for (int i = 0; i < 33; i++)
            Assert.Equal(both[i], got[i], 6);
    }

    public static TheoryData<string> All() => Backends.All();
}
