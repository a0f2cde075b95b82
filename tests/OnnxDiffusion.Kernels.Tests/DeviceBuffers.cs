using ILGPU;
using ILGPU.Runtime;

namespace OnnxDiffusion.Kernels.Tests;

/// <summary>Small helpers to move test arrays to and from an accelerator.</summary>
internal static class DeviceBuffers
{
    public static MemoryBuffer1D<T, Stride1D.Dense> Upload<T>(DiffusionKernels k, T[] data) where T : unmanaged =>
        k.Device.Accelerator.Allocate1D(data);

    public static T[] Download<T>(DiffusionKernels k, MemoryBuffer1D<T, Stride1D.Dense> buffer) where T : unmanaged
    {
        k.Synchronize();
        return buffer.GetAsArray1D();
    }

    public static float[] RandomFloats(int n, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++)
            a[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return a;
    }

    /// <summary>|a − b| ≤ tol · magnitude, where magnitude is the size of the terms that were summed.</summary>
    public static void Close(double expected, double actual, double magnitude, double tol, string what)
    {
        double err = Math.Abs(expected - actual);
        Assert.True(err <= tol * Math.Max(magnitude, 1e-30),
            $"{what}: expected {expected:R}, got {actual:R} (error {err:E3}, allowed {tol * magnitude:E3})");
    }
}
