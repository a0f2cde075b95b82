using ILGPU.Runtime.Cuda;

namespace OnnxDiffusion.Kernels.Tests;

/// <summary>The reason line for each way a machine can lack usable CUDA, and the explicit request failing cleanly.</summary>
public class CudaProbeTests
{
    [Fact]
    public void NoDriverSaysSoAndNamesTheLibrary()
    {
        string? failure = new CudaProbe(false, null, 0).Failure();
        Assert.NotNull(failure);
        Assert.Contains("no NVIDIA driver", failure);
        Assert.Contains(CudaProbe.DriverLibrary, failure);
    }

    [Fact]
    public void DriverWithoutDevicesSaysNoDevice() =>
        Assert.Equal("the NVIDIA driver (CUDA 12.4) is installed but lists no CUDA device",
            new CudaProbe(true, CudaDriverVersion.FromMajorMinor(12, 4), 0).Failure());

    [Fact]
    public void OldDriverSaysTooOldEvenWithADevice()
    {
        string? failure = new CudaProbe(true, CudaDriverVersion.FromMajorMinor(10, 2), 1).Failure();
        Assert.NotNull(failure);
        Assert.Contains("CUDA 10.2", failure);
        Assert.Contains("11.0 or newer", failure);
    }

    [Fact]
    public void DriverWithoutTheUnversionedLinkSaysWhatToAdd()
    {
        string? failure = new CudaProbe(true, CudaDriverVersion.FromMajorMinor(13, 0), 0, LinkFound: false).Failure();
        Assert.NotNull(failure);
        Assert.Contains("not as libcuda.so", failure);
    }

    [Fact]
    public void RecentDriverWithADeviceIsUsable() =>
        Assert.Null(new CudaProbe(true, CudaDriverVersion.FromMajorMinor(13, 0), 1).Failure());

    [Fact]
    public void ExplicitCudaRequestFailsWithTheProbeReasonOrSucceeds()
    {
        string? failure = CudaProbe.Run().Failure();
        if (failure is null)
        {
            using var device = KernelAccelerator.Create(DeviceKind.Cuda);
            Assert.False(device.IsCpu);
            return;
        }
        var ex = Assert.Throws<DeviceUnavailableException>(() => KernelAccelerator.Create(DeviceKind.Cuda));
        Assert.Equal($"--device cuda: {failure}", ex.Message);
        using var auto = KernelAccelerator.Create(DeviceKind.Auto);
        Assert.True(auto.IsCpu);
        Assert.Equal($"device auto: {failure}; using the ILGPU CPU accelerator", auto.Notice);
    }
}
