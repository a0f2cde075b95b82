using OnnxDiffusion.Kernels;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Tests.Sampling;

/// <summary>The loop's contracts: batch invariance, strength 0, progress, cancellation, argument checks.</summary>
[Collection("cpu-kernels")]
public class DiffusionLoopTests
{
    private const int Size = 5 * 7;
    private static readonly SchedulerConfig Cfg = new();

    private static float[] Run(long[] ids, StartFrom start, string sampler = "ddpm", int steps = 8, float[]? input = null,
        IProgress<DiffusionProgress>? progress = null, CancellationToken ct = default)
    {
        using var loop = new DiffusionLoop(CpuKernels.Get(), new ScaleByTimestepDenoiser(Size), new NoiseSchedule(Cfg), Samplers.Create(sampler), 64);
        var x = input?.ToArray() ?? ids.SelectMany(id => Enumerable.Range(0, Size).Select(e => (float)Math.Sin(id + 0.1 * e))).ToArray();
        var job = new DiffusionJob(Timesteps.For(Cfg, steps), ids, Conditioning.None, 2024, 1.0, start);
        loop.Run(job, x, progress, ct);
        return x;
    }

    [Theory]
    [InlineData(StartFrom.Noise, "ddpm")]
    [InlineData(StartFrom.Image, "ddpm")]
    [InlineData(StartFrom.Noise, "ddim")]
    public void SampleResultDoesNotDependOnItsBatch(StartFrom start, string sampler)
    {
        var alone = Run([5L], start, sampler);
        var inSeven = Run(Enumerable.Range(2, 7).Select(i => (long)i).ToArray(), start, sampler).AsSpan(3 * Size, Size).ToArray();
        var inShard = Run(Enumerable.Range(0, 10).Select(i => 2L + 3 * i).ToArray(), start, sampler).AsSpan(1 * Size, Size).ToArray();
        Assert.Equal(alone, inSeven);
        Assert.Equal(alone, inShard);
    }

    [Fact]
    public void DifferentSeedsOrIdsGiveDifferentSamples()
    {
        var a = Run([1L], StartFrom.Noise);
        var b = Run([2L], StartFrom.Noise);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void StrengthZeroReturnsTheInputBitForBit()
    {
        var input = Enumerable.Range(0, 3 * Size).Select(i => (float)Math.Cos(i)).ToArray();
        using var loop = new DiffusionLoop(CpuKernels.Get(), new ScaleByTimestepDenoiser(Size), new NoiseSchedule(Cfg), new DdimSampler(), 4);
        var x = input.ToArray();
        var none = Timesteps.ForStrength(Timesteps.For(Cfg, 10), 0);
        loop.Run(new DiffusionJob(none, new long[] { 0, 1, 2 }, Conditioning.None, 1, 0, StartFrom.Image), x);
        Assert.Equal(input, x);
    }

    [Fact]
    public void ReportsProgressOncePerStep()
    {
        var seen = new List<DiffusionProgress>();
        Run([0L], StartFrom.Noise, steps: 6, progress: new SyncProgress(seen.Add));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => new DiffusionProgress(i, 6)), seen);
    }

    [Fact]
    public void HonoursCancellation()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => Run([0L], StartFrom.Noise, ct: cts.Token));
    }

    [Fact]
    public void RejectsABatchLargerThanItsCapacity()
    {
        using var loop = new DiffusionLoop(CpuKernels.Get(), new ScaleByTimestepDenoiser(Size), new NoiseSchedule(Cfg), new DdimSampler(), 2);
        var job = new DiffusionJob([10, 0], new long[] { 0, 1, 2 }, Conditioning.None, 1, 0, StartFrom.Noise);
        Assert.Throws<ArgumentException>(() => loop.Run(job, new float[3 * Size]));
    }

    /// <summary>IProgress that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<DiffusionProgress> report) : IProgress<DiffusionProgress>
    {
        public void Report(DiffusionProgress value) => report(value);
    }

    /// <summary>DDIM's steps with the state weights a broken sampler might set, declaring <paramref name="state"/>.</summary>
    private sealed class Weighing(SamplerState state, int atStep, Func<StepCoefficients, StepCoefficients> change) : ISampler
    {
        private readonly DdimSampler _ddim = new();

        public string Name => "weighing";

        public SamplerState State => state;

        public SamplingSchedule Timesteps(NoiseSchedule schedule, int steps) => _ddim.Timesteps(schedule, steps);

        public StepCoefficients Coefficients(NoiseSchedule schedule, SamplingSchedule run, int index, double eta)
        {
            var c = _ddim.Coefficients(schedule, run, index, eta);
            return index == atStep ? change(c) : c;
        }
    }

    private static void RunWith(ISampler sampler)
    {
        using var loop = new DiffusionLoop(CpuKernels.Get(), new ScaleByTimestepDenoiser(Size), new NoiseSchedule(Cfg), sampler, 4);
        var x = new float[2 * Size];
        loop.Run(new DiffusionJob(Timesteps.For(Cfg, 4), new long[] { 0, 1 }, Conditioning.None, 1, 0.0, StartFrom.Given), x);
    }

    private const SamplerState All = SamplerState.PreviousX0 | SamplerState.OlderX0 | SamplerState.LastSample;

    [Theory]
    [InlineData(0, "prev")]
    [InlineData(0, "last")]
    [InlineData(1, "older")]
    public void AStepWeighingStateNoEarlierStepLeftIsRefused(int step, string what)
    {
        Func<StepCoefficients, StepCoefficients> change = what switch
        {
            "prev" => c => c with { PrevX0 = 0.1f },
            "last" => c => c with { Corrector = 1, CorrectorLast = 0.5f },
            _ => c => c with { Corrector = 1, CorrectorOlderX0 = 0.5f },
        };
        var ex = Assert.Throws<InvalidOperationException>(() => RunWith(new Weighing(All, step, change)));
        Assert.Contains($"step {step}", ex.Message);
        RunWith(new Weighing(All, 2, change)); // by step 2 every buffer has been written
    }

    [Fact]
    public void AStepWeighingUndeclaredStateIsRefused()
    {
        Assert.Throws<ArgumentException>(() => RunWith(new Weighing(SamplerState.None, 2, c => c with { PrevX0 = 0.1f })));
        Assert.Throws<ArgumentException>(() => RunWith(new Weighing(SamplerState.PreviousX0, 2, c => c with { Corrector = 1, CorrectorLast = 0.5f })));
        Assert.Throws<ArgumentException>(() => new DiffusionLoop(CpuKernels.Get(), new ScaleByTimestepDenoiser(Size), new NoiseSchedule(Cfg),
            new Weighing(SamplerState.OlderX0, 0, c => c), 4));
    }
}
