using OnnxDiffusion.Kernels;

namespace OnnxDiffusion.Kernels.Tests;

/// <summary>
/// The back ends every kernel test runs on: ILGPU's CPU accelerator always (as the product sets it up, cut into 7-element
/// slices, and shaped like an NVIDIA GPU), CUDA when a device is usable.
/// Accelerators are created once per process and shared by the (serialised) kernel test collection.
/// </summary>
public static class Backends
{
    private static readonly Lazy<DiffusionKernels> Cpu = new(() => new DiffusionKernels(KernelAccelerator.Create(DeviceKind.Cpu)));

    // The automatic CPU split keeps small passes in one slice; this one cuts every pass into 7-element slices.
    private static readonly Lazy<DiffusionKernels> CpuChunked = new(() =>
    {
        var device = KernelAccelerator.Create(DeviceKind.Cpu);
        device.CpuChunkSize = 7;
        return new DiffusionKernels(device);
    });
    // The CPU accelerator launched the way a GPU is: warps of 32, groups of 1024, one element per thread.
    private static readonly Lazy<DiffusionKernels> GpuShaped = new(() =>
    {
        using (KernelAccelerator.GpuShapedScope())
            return new DiffusionKernels(KernelAccelerator.Create(DeviceKind.Cpu));
    });
    private static readonly Lazy<DiffusionKernels?> Cuda = new(() =>
    {
        try
        {
            return new DiffusionKernels(KernelAccelerator.Create(DeviceKind.Cuda));
        }
        catch (DeviceUnavailableException)
        {
            return null;
        }
    });

    /// <summary>Names of the available back ends.</summary>
    public static IEnumerable<string> Names()
    {
        yield return "cpu";
        yield return "cpu-chunk7";
        yield return "gpu-shaped";
        if (Cuda.Value is not null)
            yield return "cuda";
    }

    /// <summary>The kernels for a back end name.</summary>
    public static DiffusionKernels Get(string name) => name switch
    {
        "cpu" => Cpu.Value,
        "cpu-chunk7" => CpuChunked.Value,
        "gpu-shaped" => GpuShaped.Value,
        _ => Cuda.Value!,
    };

    /// <summary>Odd sizes that catch chunk-boundary mistakes: (total elements, elements per sample).</summary>
    public static readonly (int N, int SampleSize)[] Sizes = [(1, 1), (17, 17), (1025, 41), (8197, 8197), (8197, 1)];

    /// <summary>Every back end × every size.</summary>
    public static TheoryData<string, int, int> BackendsAndSizes()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var b in Names())
            foreach (var (n, s) in Sizes)
                data.Add(b, n, s);
        return data;
    }

    /// <summary>Every back end.</summary>
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var b in Names())
            data.Add(b);
        return data;
    }
}

/// <summary>Kernel tests share accelerators, so they run one at a time.</summary>
[CollectionDefinition("kernels", DisableParallelization = true)]
public sealed class KernelCollection;
