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
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<long>, StepCoefficients, NoiseKey, ChunkPlan> _step;
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
        _step = acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<long>, StepCoefficients, NoiseKey, ChunkPlan>(StepKernel.Run);
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
        in StepCoefficients coefficients, NoiseKey key) =>
        Step(x, modelOut, x0History, default, default, sampleIds, sampleSize, coefficients, key);

    /// <summary>
    /// The step with every state buffer (each of x's length, or an empty view for none): the previous x̂0
    /// <paramref name="prevX0"/>, the one before it <paramref name="olderX0"/> (kept only beside a previous x̂0, which
    /// it is shifted from) and the previous step's corrected x <paramref name="lastX"/>. The step reads them with the
    /// coefficients' weights and leaves its own x̂0, the shifted x̂0 and its corrected x behind.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer of another length, or a non-zero weight on a buffer not given.</exception>
    public void Step(ArrayView<float> x, ArrayView<float> modelOut, ArrayView<float> prevX0, ArrayView<float> olderX0, ArrayView<float> lastX,
        ArrayView<long> sampleIds, int sampleSize, in StepCoefficients coefficients, NoiseKey key)
    {
        CheckState(prevX0, x.Length, coefficients.ReadsPrevX0, "previous x̂0", nameof(prevX0));
        CheckState(olderX0, x.Length, coefficients.ReadsOlderX0, "older x̂0", nameof(olderX0));
        CheckState(lastX, x.Length, coefficients.ReadsLast, "last sample", nameof(lastX));
        if (olderX0.Length != 0 && prevX0.Length == 0)
            throw new ArgumentException("an older x̂0 buffer without a previous x̂0 buffer to shift it from", nameof(olderX0));
        var plan = _device.Plan(x.Length, sampleSize);
        if (plan.Threads > 0)
            _step(plan.Threads, x, modelOut, prevX0, olderX0, lastX, sampleIds, coefficients, key, plan);
    }

    private static void CheckState(ArrayView<float> buffer, long length, bool read, string what, string name)
    {
        if (buffer.Length != 0 && buffer.Length != length)
            throw new ArgumentException($"{what} buffer holds {buffer.Length} values: expected {length} or none", name);
        if (read && buffer.Length == 0)
            throw new ArgumentException($"the step weighs the {what} but no buffer holds it", name);
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
