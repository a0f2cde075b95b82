using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;
using OnnxDiffusion.Kernels;

namespace KernelCheck;

/// <summary>
/// The fused sampler step at a realistic batch: launch + synchronise, repeated for about a second after a warm-up. The step
/// reads x, the model output and the x̂0 history and writes x and the history: 20 bytes per element.
/// </summary>
internal static class Timing
{
    public static (double MicrosecondsPerStep, double GigabytesPerSecond, int Steps) FusedStep(DiffusionKernels k, int batch, int sampleSize)
    {
        int n = batch * sampleSize;
        var acc = k.Device.Accelerator;
        using var x = acc.Allocate1D<float>(n);
        using var o = acc.Allocate1D<float>(n);
        using var h = acc.Allocate1D<float>(n);
        using var ids = acc.Allocate1D<long>(Enumerable.Range(0, batch).Select(i => (long)i).ToArray());
        x.MemSetToZero();
        o.MemSetToZero();
        h.MemSetToZero();
        // DPM-Solver++(2M)'s shape plus noise: every term of the kernel is live.
        var c = new StepCoefficients { PredX = 1.02f, PredOut = -0.31f, X0 = 0.84f, X = 0.41f, Out = 0.01f, PrevX0 = -0.27f, Sigma = 0.05f };
        for (int i = 0; i < 3; i++)
            k.Step(x.View, o.View, h.View, ids.View, sampleSize, c, new NoiseKey(1, (uint)i));
        k.Synchronize();
        var clock = Stopwatch.StartNew();
        int steps = 0;
        while (steps < 1000 && (steps < 3 || clock.Elapsed.TotalSeconds < 1.0))
        {
            k.Step(x.View, o.View, h.View, ids.View, sampleSize, c, new NoiseKey(1, (uint)steps));
            k.Synchronize();
            steps++;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return (seconds / steps * 1e6, 20.0 * n * steps / seconds / 1e9, steps);
    }
}
