using static OnnxDiffusion.Kernels.Tests.DeviceBuffers;

namespace OnnxDiffusion.Kernels.Tests;

/// <summary>
/// The GPU-shaped CPU accelerator (warps of 32, groups of 1024, one element per thread, no host aliasing) computes every
/// kernel bit for bit as the product's CPU set-up does: only the launch shape differs, so any difference is a launch or
/// indexing bug that a GPU would show too.
/// </summary>
[Collection("kernels")]
public class GpuShapedTests
{
    public static TheoryData<int, int> Sizes() => new() { { 1, 1 }, { 17, 17 }, { 1025, 41 }, { 8197, 8197 }, { 100003, 1 }, { 100003, 100003 } };

    private static DiffusionKernels Cpu => Backends.Get("cpu");

    private static DiffusionKernels Shaped => Backends.Get("gpu-shaped");

    private static void BitEqual(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what} element {i}: CPU {expected[i]:R}, GPU-shaped {actual[i]:R}");
    }

    private static long[] Ids(int n, int sampleSize) => Enumerable.Range(0, n / sampleSize).Select(i => 1000L + 7 * i).ToArray();

    [Fact]
    public void TheShapedAcceleratorIsShapedLikeAGpuAndKeepsItsMemoryToItself()
    {
        var device = Shaped.Device;
        Assert.True(device.IsGpuShaped);
        Assert.Equal(32, device.Accelerator.WarpSize);
        Assert.Equal(1024, device.Accelerator.MaxNumThreadsPerGroup);
        Assert.Equal(1, device.Plan(100003, 1).Chunk);
        using var buffer = device.Accelerator.Allocate1D<float>(4);
        Assert.Null(device.HostView(buffer));
        Assert.NotNull(Cpu.Device.HostView(buffer));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void StepWithNoiseClipAndHistoryIsBitEqual(int n, int sampleSize)
    {
        float[] Run(DiffusionKernels k)
        {
            using var x = Upload(k, RandomFloats(n, 1, 3f));
            using var o = Upload(k, RandomFloats(n, 2));
            using var h = Upload(k, RandomFloats(n, 3));
            using var ids = Upload(k, Ids(n, sampleSize));
            var c = new StepCoefficients { PredX = 1.1f, PredOut = -0.4f, ClipRange = 1f, X0 = 0.7f, X = 0.3f, Out = 0.05f, PrevX0 = -0.2f, Sigma = 0.13f };
            k.Step(x.View, o.View, h.View, ids.View, sampleSize, c, new NoiseKey(5, 9));
            return [.. Download(k, x), .. Download(k, h)];
        }
        BitEqual(Run(Cpu), Run(Shaped), $"step n={n}");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void StepWithCorrectorAndAllStateIsBitEqual(int n, int sampleSize)
    {
        float[] Run(DiffusionKernels k)
        {
            using var x = Upload(k, RandomFloats(n, 1, 3f));
            using var o = Upload(k, RandomFloats(n, 2));
            using var h1 = Upload(k, RandomFloats(n, 3));
            using var h2 = Upload(k, RandomFloats(n, 4));
            using var last = Upload(k, RandomFloats(n, 5));
            using var ids = Upload(k, Ids(n, sampleSize));
            var c = new StepCoefficients
            {
                PredX = 1.1f, PredOut = -0.4f, X0 = 0.7f, X = 0.3f, PrevX0 = -0.2f, Sigma = 0.13f,
                Corrector = 1, CorrectorLast = 0.9f, CorrectorX0 = 0.2f, CorrectorPrevX0 = -0.1f, CorrectorOlderX0 = 0.05f,
            };
            k.Step(x.View, o.View, h1.View, h2.View, last.View, ids.View, sampleSize, c, new NoiseKey(5, 9));
            return [.. Download(k, x), .. Download(k, h1), .. Download(k, h2), .. Download(k, last)];
        }
        BitEqual(Run(Cpu), Run(Shaped), $"corrected step n={n}");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void AddNoiseIsBitEqual(int n, int sampleSize)
    {
        float[] Run(DiffusionKernels k)
        {
            var table = Enumerable.Range(0, 50).Select(i => MathF.Sqrt(1f - i / 60f)).ToArray();
            using var x = Upload(k, RandomFloats(n, 4));
            using var t = Upload(k, Enumerable.Range(0, n / sampleSize).Select(i => i * 7 % 50).ToArray());
            using var a = Upload(k, table);
            using var b = Upload(k, table.Reverse().ToArray());
            using var ids = Upload(k, Ids(n, sampleSize));
            k.AddNoise(x.View, t.View, a.View, b.View, ids.View, sampleSize, new NoiseKey(8, NoiseKey.InitialStream));
            return Download(k, x);
        }
        BitEqual(Run(Cpu), Run(Shaped), $"add-noise n={n}");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void NormalNoiseIsBitEqual(int n, int sampleSize)
    {
        float[] Run(DiffusionKernels k)
        {
            using var x = k.Device.Accelerator.Allocate1D<float>(n);
            using var ids = Upload(k, Ids(n, sampleSize));
            k.FillNormal(x.View, ids.View, sampleSize, new NoiseKey(3, 1));
            return Download(k, x);
        }
        BitEqual(Run(Cpu), Run(Shaped), $"normal n={n}");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void GuidanceIsBitEqual(int n, int sampleSize)
    {
        _ = sampleSize;
        float[] Run(DiffusionKernels k)
        {
            using var o = Upload(k, RandomFloats(2 * n, 6));
            k.CombineGuidance(o.View, 2.5f);
            return Download(k, o);
        }
        BitEqual(Run(Cpu), Run(Shaped), $"guidance n={n}");
    }
}
