using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime.Cuda;

namespace OnnxDiffusion.Kernels;

/// <summary>
/// What this machine offers ILGPU's CUDA back end: whether the NVIDIA driver library loads, its version, and how many
/// devices ILGPU can use. <see cref="Failure"/> turns that into the reason CUDA cannot be used, for one error line.
/// </summary>
/// <param name="DriverFound">The driver library (libcuda.so.1 or nvcuda.dll) could be loaded.</param>
/// <param name="DriverVersion">The driver's CUDA version, when it answered.</param>
/// <param name="Devices">CUDA devices ILGPU lists.</param>
/// <param name="LinkFound">
/// The driver also loads under the unversioned name ILGPU asks for (libcuda.so on Linux). Driver-only installs can ship
/// libcuda.so.1 alone; ILGPU then lists no device although one is there.
/// </param>
public sealed record CudaProbe(bool DriverFound, CudaDriverVersion? DriverVersion, int Devices, bool LinkFound = true)
{
    /// <summary>
    /// The oldest driver ILGPU 1.5 targets for our architectures (sm_80, sm_90 need CUDA 11.0 and 11.8); an older driver
    /// lists its devices but cannot load the PTX we emit.
    /// </summary>
    public static readonly CudaDriverVersion MinimumDriver = CudaDriverVersion.FromMajorMinor(11, 0);

    /// <summary>Name of the NVIDIA driver library on this operating system.</summary>
    public static string DriverLibrary => OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1";

    /// <summary>Looks at this machine through <paramref name="context"/> (built with the CUDA back end).</summary>
    public static CudaProbe Run(Context context)
    {
        bool driver = CanLoad(DriverLibrary);
        bool link = OperatingSystem.IsWindows() || CanLoad("libcuda.so");
        CudaDriverVersion? version = null;
        if (driver && CudaAPI.CurrentAPI.GetDriverVersion(out var v) == CudaError.CUDA_SUCCESS)
            version = v;
        return new CudaProbe(driver, version, context.GetCudaDevices().Count, link);
    }

    private static bool CanLoad(string library)
    {
        if (!NativeLibrary.TryLoad(library, out var handle))
            return false;
        NativeLibrary.Free(handle);
        return true;
    }

    /// <summary>Looks at this machine with a context of its own.</summary>
    public static CudaProbe Run()
    {
        using var context = Context.Create(b => b.Cuda());
        return Run(context);
    }

    /// <summary>Why CUDA cannot be used, or null when a device is there and the driver is recent enough.</summary>
    public string? Failure()
    {
        if (!DriverFound)
            return $"no NVIDIA driver found ({DriverLibrary} is not on this machine)";
        if (DriverVersion is { } v && v < MinimumDriver)
            return $"the NVIDIA driver supports CUDA {v.Major}.{v.Minor}: CUDA {MinimumDriver.Major}.{MinimumDriver.Minor} or newer is needed";
        if (Devices == 0 && !LinkFound)
            return $"the NVIDIA driver is installed as {DriverLibrary} but not as libcuda.so, the name ILGPU loads (add a libcuda.so link to it on the library path)";
        if (Devices == 0)
            return DriverVersion is { } d
                ? $"the NVIDIA driver (CUDA {d.Major}.{d.Minor}) is installed but lists no CUDA device"
                : "the NVIDIA driver is installed but lists no CUDA device";
        return null;
    }
}
