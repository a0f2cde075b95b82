using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Models;
using OnnxDiffusion.Tests.Sampling;

namespace OnnxDiffusion.Tests.Models;

/// <summary>
/// ONNX Runtime's side of <c>--device cuda</c> without a usable GPU: the CPU package (linked here) fails for real;
/// the GPU package's failure is built as ONNX Runtime builds it and handed to the same classifier the denoiser uses.
/// </summary>
[Collection("cpu-kernels")]
public class CudaProviderFailureTests
{
    // What the GPU package (Gpu.Linux 1.31) says when libcudart.so.13 / cuDNN 9 are absent, tried on this machine.
    private const string GpuPackageMessage =
        "[ErrorCode:RuntimeException] /onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1862 onnxruntime::Provider& " +
        "onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load shared library: libcudart.so.13: cannot open shared object file";

    private static OnnxRuntimeException GpuPackageFailure()
    {
        // ONNX Runtime creates these itself (the constructor is internal): build one the way it does, from an error code and text.
        var ctor = typeof(OnnxRuntimeException).GetConstructors(BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Public)
            .First(c => c.GetParameters() is [{ ParameterType.IsEnum: true }, { ParameterType: var t }] && t == typeof(string));
        var code = Enum.ToObject(ctor.GetParameters()[0].ParameterType, 1);
        return (OnnxRuntimeException)ctor.Invoke([code, GpuPackageMessage]);
    }

    [Fact]
    public void TheCpuPackageHasNoCudaEntryPointAndSaysSo()
    {
        using var so = new SessionOptions();
        var ex = Record.Exception(() => so.AppendExecutionProvider_CUDA(0));
        Assert.IsType<EntryPointNotFoundException>(ex);
        Assert.True(CudaProviderFailure.IsProviderFailure(ex));
        Assert.Contains("CPU package", CudaProviderFailure.Describe(ex));
    }

    [Fact]
    public void TheGpuPackageWithoutCudaLibrariesNamesWhatIsMissing()
    {
        var ex = GpuPackageFailure();
        Assert.True(CudaProviderFailure.IsProviderFailure(ex));
        string line = CudaProviderFailure.ForDeviceCuda(ex).Message;
        Assert.StartsWith("--device cuda: ONNX Runtime's CUDA provider could not load its libraries", line);
        Assert.Contains("libcudart.so.13", line);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void ABugIsNotTakenForAMissingProvider() =>
        Assert.False(CudaProviderFailure.IsProviderFailure(new NullReferenceException()));

    [Fact]
    public void DenoiserAskedForCudaFailsWithOneUserLineAndAutoFallsBack()
    {
        var ex = Assert.ThrowsAny<OnnxDiffusionException>(() =>
            new OnnxDenoiser(RepoPaths.Fixture("tiny-denoiser"), new DenoiserOptions { Device = DeviceKind.Cuda }, CpuKernels.Get()).Dispose());
        Assert.StartsWith("--device cuda: ", ex.Message);
        using var auto = new OnnxDenoiser(RepoPaths.Fixture("tiny-denoiser"), new DenoiserOptions { Device = DeviceKind.Auto }, CpuKernels.Get());
        Assert.Equal("CPU", auto.Provider);
    }
}
