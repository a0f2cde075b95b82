using BenchmarkDotNet.Attributes;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Models;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// One DDIM step of the product path at guidance 2 (the model card's default) for <see cref="Batch"/> images,
/// against the bare network forward it contains (2 × Batch rows, the conditional and the null-class halves).
/// The Ratio column is the overhead ratio step / forward; Allocated is what one step allocates (goal: 0).
/// <list type="bullet">
/// <item><c>BareForward</c>: the network on 2·Batch rows in the product's session layout — an unguided
/// <see cref="OnnxDenoiser"/>, so one input and one output copy (~0.05 % of the forward) come with it (baseline).</item>
/// <item><c>GuidedPredict</c>: <see cref="OnnxDenoiser.Predict"/>: the input copy, the forward, the finite check and the guidance kernel.</item>
/// <item><c>LoopStep</c>: <see cref="DiffusionLoop.Run"/> over a one-timestep job: Predict and the fused DDIM kernel, plus the job's
/// upload of x_t and download of the result.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class PipelineStepBenchmarks
{
    private const double Guidance = 2.0;
    private KernelAccelerator _device = null!;
    private OnnxDenoiser _denoiser = null!;
    private DiffusionLoop _loop = null!;
    private OnnxDenoiser _bare = null!;
    private float[] _bareX = [];
    private float[] _bareOut = [];
    private long[] _bareT = [];
    private long[] _bareY = [];
    private DiffusionJob _job = null!;
    private float[] _samples = [];
    private float[] _x = [];
    private float[] _out = [];
    private long[] _t = [];
    private long[] _labels = [];
    private Conditioning _condition = Conditioning.None;
    private Conditioning _bareCondition = Conditioning.None;

    /// <summary>Images per step (the network sees twice as many rows).</summary>
    [Params(1, 16, 64, 256)]
    public int Batch { get; set; }

    /// <summary>Assembles the product pieces the way <c>DiffusionPipeline.Open</c> does, on the CPU, and warms every path up.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string dir = RepoPaths.ModelDirectory;
        var config = SchedulerConfig.Load(Path.Combine(dir, "scheduler_config.json"));
        var schedule = new NoiseSchedule(config);
        _device = KernelAccelerator.Create(DeviceKind.Cpu);
        var kernels = new DiffusionKernels(_device);
        var options = new DenoiserOptions { Device = DeviceKind.Cpu, GuidanceScale = Guidance };
        _denoiser = new OnnxDenoiser(dir, options, kernels);
        _loop = new DiffusionLoop(kernels, _denoiser, schedule, new DdimSampler(), Batch);
        _bare = new OnnxDenoiser(dir, options with { GuidanceScale = 1.0 });

        int s = _denoiser.SampleSize;
        var rng = new Random(3);
        _samples = new float[Batch * s];
        for (int i = 0; i < _samples.Length; i++)
            _samples[i] = (float)(rng.NextDouble() * 2 - 1);
        _x = (float[])_samples.Clone();
        _out = new float[Batch * s];
        // A mid-trajectory timestep of the 25-step leading schedule (0, 40, …, 960).
        _t = Enumerable.Repeat(480L, Batch).ToArray();
        _labels = Enumerable.Range(0, Batch).Select(i => (long)(i % 10)).ToArray();
        var ids = Enumerable.Range(0, Batch).Select(i => (long)i).ToArray();
        _condition = Conditioning.Classes(_labels, _denoiser.Manifest.NullClass);
        _job = new DiffusionJob([480], ids, _condition, Seed: 1, Eta: 0, StartFrom.Given);
        _bareX = [.. _samples, .. _samples];
        _bareOut = new float[2 * Batch * s];
        _bareT = Enumerable.Repeat(480L, 2 * Batch).ToArray();
        _bareY = [.. _labels, .. Enumerable.Repeat(10L, Batch)];
        _bareCondition = Conditioning.Classes(_bareY, _bare.Manifest.NullClass);

        BareForward();
        GuidedPredict();
        LoopStep();
    }

    /// <summary>The network alone on 2·Batch rows (conditional and null-class halves), in the product's session layout.</summary>
    [Benchmark(Baseline = true)]
    public void BareForward() => _bare.Predict(_bareX, _bareT, _bareCondition, _bareOut);

    /// <summary>The guided denoiser call for Batch images.</summary>
    [Benchmark]
    public void GuidedPredict() => _denoiser.Predict(_x, _t, _condition, _out);

    /// <summary>One full sampler step through the diffusion loop (x_t given, one DDIM update, result copied back).</summary>
    [Benchmark]
    public void LoopStep() => _loop.Run(_job, _samples);

    /// <summary>Releases sessions, buffers and the accelerator.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _bare.Dispose();
        _loop.Dispose();
        _denoiser.Dispose();
        _device.Dispose();
    }
}
