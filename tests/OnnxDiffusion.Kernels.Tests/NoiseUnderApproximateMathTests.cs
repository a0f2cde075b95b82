namespace OnnxDiffusion.Kernels.Tests;

/// <summary>
/// Box–Muller stays finite where a GPU's approximate log could break it: uniforms at the ends of (0, 1], a log that comes
/// out tiny and positive, and the elements whose exact u1 lies just below 1 (seed 0, sample 0, stream 0).
/// </summary>
[Collection("kernels")]
public class NoiseUnderApproximateMathTests
{
    // Elements of (seed 0, sample 0, stream 0) whose u1 is within a few ulps of 1, found by scanning the CPU path: |z| < 4e-4.
    private static readonly int[] NearOne = [4826271, 15789837, 15848971, 17647559, 28279777];

    // The GPU-shaped accelerator launches one thread per element (~3 µs each here), so it checks the first element only:
    // 4.8 M draws instead of 28 M.
    public static TheoryData<string, int> BackendsAndElements() => new() { { "cpu", NearOne.Length }, { "gpu-shaped", 1 } };

    // Samples (seed 0, stream 0, element 0) whose u1 is within 3 ulps of 1, found by scanning sample ids on the CPU path;
    // 1205178 and 17060736 give u1 = 1 exactly, the top end of (0, 1].
    private static readonly long[] NearOneSamples = [567928, 1205178, 4706161, 5580154, 17060736, 30199417];

    [Theory]
    [InlineData("cpu")]
    [InlineData("gpu-shaped")]
    public void NearOneSamplesAreTinyAndFiniteAndUOneGivesZero(string backend)
    {
        var k = Backends.Get(backend);
        // Ordinary samples around them, so the near-1 ones sit at odd positions of the launch.
        long[] ids = [.. Enumerable.Range(0, 1000).Select(i => (long)i), .. NearOneSamples, .. Enumerable.Range(5000, 37).Select(i => (long)i)];
        using var x = k.Device.Accelerator.Allocate1D<float>(ids.Length);
        using var idd = DeviceBuffers.Upload(k, ids);
        k.FillNormal(x.View, idd.View, 1, new NoiseKey(0, 0));
        var z = DeviceBuffers.Download(k, x);
        Assert.All(z, v => Assert.True(float.IsFinite(v)));
        for (int i = 1000; i < 1000 + NearOneSamples.Length; i++)
        {
            Assert.True(Math.Abs(z[i]) < 4e-4f, $"{backend} sample {ids[i]}: {z[i]}");
            Assert.Equal(Philox.Normal(0, (ulong)ids[i], 0, 0), z[i]);
        }
        Assert.Equal(0f, z[1001]);
        Assert.Equal(0f, z[1004]);
    }

    [Fact]
    public void UniformOneGivesZeroAndTheSmallestUniformGivesTheLargestRadius()
    {
        // u1 = 1 (top 24 bits all set): radius 0 exactly.
        Assert.Equal(0f, Math.Abs(Philox.BoxMuller(0xFFFFFFFFu, 0x12345678u)));
        // u1 = 2⁻²⁴, u2 = 0: z = √(2·24·ln 2), the largest |z| the generator can produce.
        double expected = Math.Sqrt(2 * 24 * Math.Log(2));
        float z = Philox.BoxMuller(0u, 0u);
        Assert.True(float.IsFinite(z));
        DeviceBuffers.Close(expected, z, expected, 1e-6, "z at u1 = 2^-24");
    }

    [Theory]
    [InlineData(1e-7f)]
    [InlineData(5.96e-8f)]
    [InlineData(float.Epsilon)]
    public void ATinyPositiveLogGivesRadiusZeroNotNaN(float approximateLog) =>
        Assert.Equal(0f, Philox.Radius(approximateLog));

    [Fact]
    public void ANaNLogGivesRadiusZero() => Assert.Equal(0f, Philox.Radius(float.NaN));

    [Theory]
    [InlineData(-1e-7)]
    [InlineData(-0.5)]
    [InlineData(-16.635532333438686)] // ln 2⁻²⁴
    public void RadiusMatchesTheFloat64Reference(double log) =>
        DeviceBuffers.Close(Math.Sqrt(-2 * log), Philox.Radius((float)log), Math.Sqrt(-2 * log), 1e-6, $"radius at log {log}");

    [Fact]
    public void TheClampKeepsNegativeZero() =>
        Assert.True(float.IsNegative(Philox.Radius(0f)), "√(−0) is −0 on the CPU; the clamp must not change it");

    [Theory]
    [MemberData(nameof(BackendsAndElements))]
    public void NearOneElementsAreTinyAndFiniteAndEveryDrawUpToThemIsFinite(string backend, int elements)
    {
        var k = Backends.Get(backend);
        var nearOne = NearOne[..elements];
        int size = nearOne.Max() + 1;
        using var x = k.Device.Accelerator.Allocate1D<float>(size);
        using var ids = DeviceBuffers.Upload(k, new[] { 0L });
        k.FillNormal(x.View, ids.View, size, new NoiseKey(0, 0));
        var z = DeviceBuffers.Download(k, x);
        foreach (int e in nearOne)
        {
            Assert.True(Math.Abs(z[e]) < 4e-4f, $"{backend} element {e}: {z[e]}");
            Assert.Equal(Philox.Normal(0, 0, 0, (uint)e), z[e]);
        }
        int bad = Array.FindIndex(z, v => !float.IsFinite(v));
        Assert.True(bad < 0, $"{backend}: element {bad} is {(bad < 0 ? 0 : z[bad])}");
    }
}
