using OnnxDiffusion.Sampling;

namespace OnnxDiffusion.Tests.Sampling;

/// <summary>diffusers' scheduler-test model: output = x · t/(t+1). Deterministic, no weights.</summary>
internal sealed class ScaleByTimestepDenoiser(int sampleSize) : IDenoiser
{
    public int SampleSize => sampleSize;

    public int Calls { get; private set; }

    public void Predict(ReadOnlyMemory<float> sample, ReadOnlyMemory<long> timesteps, Conditioning condition, Memory<float> output)
    {
        Calls++;
        var x = sample.Span;
        var o = output.Span;
        var t = timesteps.Span;
        for (int i = 0; i < o.Length; i++)
        {
            float ti = t[i / sampleSize];
            o[i] = x[i] * ti / (ti + 1);
        }
    }
}

/// <summary>Shared CPU kernels for the core tests.</summary>
internal static class CpuKernels
{
    private static readonly Lazy<Kernels.DiffusionKernels> Instance =
        new(() => new Kernels.DiffusionKernels(Kernels.KernelAccelerator.Create(Kernels.DeviceKind.Cpu)));

    public static Kernels.DiffusionKernels Get() => Instance.Value;
}

/// <summary>Tests that launch kernels share one accelerator and run one at a time.</summary>
[CollectionDefinition("cpu-kernels", DisableParallelization = true)]
public sealed class CpuKernelCollection;
