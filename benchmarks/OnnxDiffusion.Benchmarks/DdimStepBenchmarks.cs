using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using ILGPU;
using ILGPU.Runtime;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// The fused DDIM step kernel on ILGPU's CPU accelerator against the same update written with
/// <see cref="TensorPrimitives"/> (SIMD, single-threaded), at a batch of 64 × 1 × 28 × 28.
/// Deterministic (η = 0) and stochastic (η = 1, noise generated inside the kernel) variants.
/// </summary>
[MemoryDiagnoser]
public class DdimStepBenchmarks
{
    private const int Batch = 64, SampleSize = 28 * 28, N = Batch * SampleSize;
    private DiffusionKernels _kernels = null!;
    private MemoryBuffer1D<float, Stride1D.Dense> _x = null!, _out = null!;
    private MemoryBuffer1D<long, Stride1D.Dense> _ids = null!;
    private readonly float[] _xHost = new float[N], _outHost = new float[N], _scratch = new float[N];
    private StepCoefficients _c;

    /// <summary>DDIM η.</summary>
    [Params(0.0, 1.0)]
    public double Eta { get; set; }

    /// <summary>Allocates buffers and compiles the kernel.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _kernels = new DiffusionKernels(KernelAccelerator.Create(DeviceKind.Cpu));
        var rng = new Random(1);
        for (int i = 0; i < N; i++)
        {
            _xHost[i] = (float)rng.NextDouble();
            _outHost[i] = (float)rng.NextDouble();
        }
        var acc = _kernels.Device.Accelerator;
        _x = acc.Allocate1D(_xHost);
        _out = acc.Allocate1D(_outHost);
        _ids = acc.Allocate1D(Enumerable.Range(0, Batch).Select(i => (long)i).ToArray());
        _c = new DdimSampler().Coefficients(new NoiseSchedule(new SchedulerConfig()), 500, 480, Eta);
    }

    /// <summary>One fused kernel pass (in place), waited for.</summary>
    [Benchmark]
    public void IlgpuCpuKernel()
    {
        _kernels.Step(_x.View, _out.View, _ids.View, SampleSize, _c, new NoiseKey(7, 500));
        _kernels.Synchronize();
    }

    /// <summary>The same arithmetic with TensorPrimitives; noise drawn on the host with the same generator.</summary>
    [Benchmark(Baseline = true)]
    public void TensorPrimitivesStep()
    {
        var x = _xHost.AsSpan();
        var o = _outHost.AsSpan();
        var x0 = _scratch.AsSpan();
        TensorPrimitives.Multiply(x, _c.PredX, x0);
        TensorPrimitives.MultiplyAdd(o, _c.PredOut, x0, x0);
        if (_c.ClipRange > 0)
            TensorPrimitives.Clamp(x0, -_c.ClipRange, _c.ClipRange, x0);
        TensorPrimitives.Multiply(x0, _c.X0, x0);
        TensorPrimitives.MultiplyAdd(x, _c.X, x0, x0);
        TensorPrimitives.MultiplyAdd(o, _c.Out, x0, x);
        if (_c.Sigma != 0)
        {
            for (int i = 0; i < N; i++)
                x[i] += _c.Sigma * Philox.Normal(7, (ulong)(i / SampleSize), 500, (uint)(i % SampleSize));
        }
    }

    /// <summary>Releases device buffers.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _x.Dispose();
        _out.Dispose();
        _ids.Dispose();
        _kernels.Device.Dispose();
    }
}
