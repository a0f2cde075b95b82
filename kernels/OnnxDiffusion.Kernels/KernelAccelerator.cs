using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace OnnxDiffusion.Kernels;

/// <summary>
/// Owns one ILGPU context and accelerator, chosen by <see cref="DeviceKind"/>: CUDA when asked for (or
/// when auto finds a working device), else the CPU accelerator. The reason for a fallback is kept in
/// <see cref="Notice"/> so the CLI can print it as one line.
/// </summary>
public sealed class KernelAccelerator : IDisposable
{
    // Test seam only (never a user option): while set, CPU accelerators are created GPU-shaped.
    private static readonly AsyncLocal<bool> GpuShapedScopeActive = new();

    private KernelAccelerator(Context context, Accelerator accelerator, string? notice, bool gpuShaped = false)
    {
        Context = context;
        Accelerator = accelerator;
        Notice = notice;
        IsGpuShaped = gpuShaped;
    }

    /// <summary>The ILGPU context.</summary>
    public Context Context { get; }

    /// <summary>The accelerator kernels run on.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>Why the requested device was not used, or null when it was.</summary>
    public string? Notice { get; }

    /// <summary>True when kernels run on ILGPU's CPU accelerator.</summary>
    public bool IsCpu => Accelerator.AcceleratorType == AcceleratorType.CPU;

    /// <summary>
    /// True for the test-only CPU accelerator shaped like an NVIDIA GPU (warps of 32, groups of up to 1024 threads, one
    /// element per thread) whose buffers the host does not address directly, so the GPU-only copy branches run.
    /// </summary>
    public bool IsGpuShaped { get; }

    /// <summary>
    /// The host's direct view of <paramref name="buffer"/> when host code may read and write it in place (the normal CPU
    /// accelerator), or null when data must be copied in and out (a GPU, or the GPU-shaped test accelerator).
    /// </summary>
    public Memory<T>? HostView<T>(MemoryBuffer1D<T, Stride1D.Dense> buffer) where T : unmanaged =>
        IsGpuShaped ? null : HostMemory<T>.Of(buffer);

    /// <summary>A short description, e.g. "ILGPU CPU (2 threads)".</summary>
    public string Description => IsGpuShaped
        ? "ILGPU CPU accelerator shaped like an NVIDIA GPU (test mode)"
        : IsCpu
        ? $"ILGPU CPU accelerator ({Environment.ProcessorCount} threads)"
        : $"ILGPU {Accelerator.AcceleratorType} {Accelerator.Name}";

    /// <summary>Creates the accelerator for the requested kind.</summary>
    /// <exception cref="DeviceUnavailableException">CUDA was requested explicitly and cannot be used.</exception>
    public static KernelAccelerator Create(DeviceKind kind)
    {
        // ILGPU's default CPU device simulates 4×4-thread groups on one worker, which costs ~1 ms of
        // barrier traffic per launch; tiny groups on one worker per core cut that to ~60 µs.
        bool gpuShaped = GpuShapedScopeActive.Value;
        var cpuDevice = gpuShaped
            ? new CPUDevice(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 32, numMultiprocessors: Environment.ProcessorCount)
            : new CPUDevice(numThreadsPerWarp: 2, numWarpsPerMultiprocessor: 1, numMultiprocessors: Environment.ProcessorCount);
        var context = Context.Create(b => b.CPU(cpuDevice).Cuda().EnableAlgorithms());
        string? notice = null;
        if (kind != DeviceKind.Cpu)
        {
            string? failure;
            Exception? cause = null;
            try
            {
                failure = CudaProbe.Run(context).Failure();
                if (failure is null)
                    return new KernelAccelerator(context, context.GetCudaDevices()[0].CreateAccelerator(context), null);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                cause = ex;
                failure = $"the CUDA device could not be initialised ({ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")})";
            }

            if (kind == DeviceKind.Cuda)
            {
                context.Dispose();
                throw new DeviceUnavailableException($"--device cuda: {failure}", cause);
            }
            notice = $"device auto: {failure}; using the ILGPU CPU accelerator";
        }
        var cpu = context.GetCPUDevice(0).CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel);
        return new KernelAccelerator(context, cpu, notice, gpuShaped);
    }

    /// <summary>
    /// For tests only: until the returned scope is disposed, <see cref="Create"/> on this logical call path (it flows
    /// with async calls, not to other tests' threads) builds its CPU accelerator GPU-shaped (<see cref="IsGpuShaped"/>).
    /// The GPU's launch shape and its host-copy branches can then run, and be compared bit for bit, without a GPU.
    /// </summary>
    public static IDisposable GpuShapedScope()
    {
        bool previous = GpuShapedScopeActive.Value;
        GpuShapedScopeActive.Value = true;
        return new ScopeExit(() => GpuShapedScopeActive.Value = previous);
    }

    private sealed class ScopeExit(Action exit) : IDisposable
    {
        public void Dispose() => exit();
    }

    private const int MinCpuChunk = 65536;
    private int? _cpuChunkSize;

    /// <summary>
    /// Fixed elements-per-thread on the CPU accelerator, or null (default) for the automatic split.
    /// Tests set a small odd value to exercise slice boundaries.
    /// </summary>
    public int? CpuChunkSize
    {
        get => _cpuChunkSize;
        set => _cpuChunkSize = value is null or > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "chunk size must be ≥ 1");
    }

    /// <summary>
    /// Splits a pass over <paramref name="length"/> elements: a few contiguous slices per worker thread on
    /// the CPU (per-element threads are very slow there), one element per thread on a GPU.
    /// </summary>
    public ChunkPlan Plan(long length, int sampleSize)
    {
        if (length > int.MaxValue)
            throw new ArgumentException($"a pass over {length} elements: at most {int.MaxValue} per kernel launch");
        if (!IsCpu || IsGpuShaped)
            return new ChunkPlan((int)length, 1, sampleSize);
        if (CpuChunkSize is int fixedChunk)
            return new ChunkPlan((int)length, fixedChunk, sampleSize);
        // Waking a worker costs more than ~64k element updates, so small passes run as one slice.
        long perWorker = (length + Environment.ProcessorCount - 1) / Environment.ProcessorCount;
        int chunk = (int)Math.Min(int.MaxValue, Math.Max(MinCpuChunk, perWorker));
        return new ChunkPlan((int)length, chunk, sampleSize);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }
}
