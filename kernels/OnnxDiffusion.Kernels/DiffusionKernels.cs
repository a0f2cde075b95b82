using System.Reflection;
using ILGPU;
using ILGPU.Runtime;

namespace OnnxDiffusion.Kernels;

/// <summary>
/// The sampler's kernels loaded for one accelerator, with typed launch methods. Launches are
/// asynchronous on the accelerator's default stream; call <see cref="Synchronize"/> before reading results.
/// </summary>
public sealed class DiffusionKernels
{
    private readonly KernelAccelerator _device;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<long>, StepCoefficients, NoiseKey, ChunkPlan> _step;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<long>, NoiseKey, ChunkPlan> _addNoise;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<long>, NoiseKey, ChunkPlan> _normal;
    private readonly Action<Index1D, ArrayView<float>, float, ChunkPlan> _guidance;

    /// <summary>
    /// Every kernel body this class launches, for checks that compile them for a GPU without one (PTX for sm_80 / sm_90).
    /// Keep in step with the constructor: a test counts the launch delegates against this list.
    /// </summary>
    public static IReadOnlyList<MethodInfo> KernelMethods { get; } =
    [
        typeof(StepKernel).GetMethod(nameof(StepKernel.Run))!,
        typeof(AddNoiseKernel).GetMethod(nameof(AddNoiseKernel.Run))!,
        typeof(NormalNoiseKernel).GetMethod(nameof(NormalNoiseKernel.Run))!,
        typeof(GuidanceKernel).GetMethod(nameof(GuidanceKernel.Run))!,
    ];

    /// <summary>Loads (compiles) all kernels for the accelerator.</summary>
    public DiffusionKernels(KernelAccelerator device)
    {
        _device = device;
        var acc = device.Accelerator;
        _step = acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<long>, StepCoefficients, NoiseKey, ChunkPlan>(StepKernel.Run);
        _addNoise = acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<long>, NoiseKey, ChunkPlan>(AddNoiseKernel.Run);
        _normal = acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<long>, NoiseKey, ChunkPlan>(NormalNoiseKernel.Run);
        _guidance = acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float, ChunkPlan>(GuidanceKernel.Run);
    }

    /// <summary>The accelerator these kernels run on.</summary>
    public KernelAccelerator Device => _device;

    /// <summary>x ← one sampler update (see <see cref="StepCoefficients"/>) for a batch of samples of <paramref name="sampleSize"/> elements.</summary>
    public void Step(ArrayView<float> x, ArrayView<float> modelOut, ArrayView<long> sampleIds, int sampleSize,
        in StepCoefficients coefficients, NoiseKey key) =>
        Step(x, modelOut, default, sampleIds, sampleSize, coefficients, key);

    /// <summary>
    /// As <see cref="Step(ArrayView{float}, ArrayView{float}, ArrayView{long}, int, in StepCoefficients, NoiseKey)"/> with an
    /// x̂0 history buffer of x's length (or an empty view for none): the previous x̂0 is read from it with weight
    /// <see cref="StepCoefficients.PrevX0"/>, and this step's x̂0 is written back.
    /// </summary>
    public void Step(ArrayView<float> x, ArrayView<float> modelOut, ArrayView<float> x0History, ArrayView<long> sampleIds, int sampleSize,
        in StepCoefficients coefficients, NoiseKey key)
    {
        if (x0History.Length != 0 && x0History.Length != x.Length)
            throw new ArgumentException($"x̂0 history holds {x0History.Length} values: expected {x.Length} or none", nameof(x0History));
        var plan = _device.Plan(x.Length, sampleSize);
        if (plan.Threads > 0)
            _step(plan.Threads, x, modelOut, x0History, sampleIds, coefficients, key, plan);
    }

    /// <summary>x ← √ᾱ_t x + √(1−ᾱ_t) z with t per sample, looked up in the two tables.</summary>
    public void AddNoise(ArrayView<float> x, ArrayView<int> timesteps, ArrayView<float> sqrtAlphaBar,
        ArrayView<float> sqrtOneMinusAlphaBar, ArrayView<long> sampleIds, int sampleSize, NoiseKey key)
    {
        var plan = _device.Plan(x.Length, sampleSize);
        if (plan.Threads > 0)
            _addNoise(plan.Threads, x, timesteps, sqrtAlphaBar, sqrtOneMinusAlphaBar, sampleIds, key, plan);
    }

    /// <summary>x ← standard-normal noise.</summary>
    public void FillNormal(ArrayView<float> x, ArrayView<long> sampleIds, int sampleSize, NoiseKey key)
    {
        var plan = _device.Plan(x.Length, sampleSize);
        if (plan.Threads > 0)
            _normal(plan.Threads, x, sampleIds, key, plan);
    }

    /// <summary>First half of <paramref name="output"/> ← u + w (c − u), where the second half holds u.</summary>
    public void CombineGuidance(ArrayView<float> output, float scale)
    {
        var plan = _device.Plan(output.Length / 2, 1);
        if (plan.Threads > 0)
            _guidance(plan.Threads, output, scale, plan);
    }

    /// <summary>Waits for all launched kernels.</summary>
    public void Synchronize() => _device.Accelerator.Synchronize();
}
