using ILGPU.Runtime;

namespace OnnxDiffusion.Kernels.Tests;

/// <summary>The host view of a CPU-accelerator buffer is the buffer: writes on either side show on the other.</summary>
[Collection("kernels")]
public class HostMemoryTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(8197)]
    public void HostWritesReachTheKernelAndKernelWritesReachTheHost(int n)
    {
        var k = Backends.Get("cpu");
        using var buffer = k.Device.Accelerator.Allocate1D<float>(2 * n);
        var view = HostMemory<float>.Of(buffer) ?? throw new InvalidOperationException("the CPU accelerator must give a host view");
        Assert.Equal(2 * n, view.Length);
        var span = view.Span;
        for (int i = 0; i < n; i++)
        {
            span[i] = i;          // conditional half
            span[n + i] = -i;     // unconditional half
        }
        k.CombineGuidance(buffer.View, 3f);
        k.Synchronize();
        for (int i = 0; i < n; i++)
            Assert.Equal(-i + 3f * (i + i), view.Span[i]);

        var copied = new float[2 * n];
        buffer.View.CopyToCPU(copied);
        Assert.Equal(view.ToArray(), copied);
    }

    [Fact]
    public void PinningGivesTheElementAddress()
    {
        var k = Backends.Get("cpu");
        using var buffer = k.Device.Accelerator.Allocate1D<long>(5);
        var view = HostMemory<long>.Of(buffer)!.Value;
        view.Span[3] = 42;
        unsafe
        {
            using var pin = view.Slice(3).Pin();
            Assert.Equal(42L, *(long*)pin.Pointer);
        }
    }
}
