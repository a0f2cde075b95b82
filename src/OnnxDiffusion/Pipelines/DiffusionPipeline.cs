using OnnxDiffusion.Kernels;
using OnnxDiffusion.Models;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Pipelines;

/// <summary>What a run needs to know to assemble a pipeline.</summary>
public sealed record PipelineSettings
{
    /// <summary>The model: our folder (model.json), a diffusers pipeline folder, or a bare .onnx with a scheduler config (see <see cref="ModelFolder"/>).</summary>
    public required string ModelDirectory { get; init; }

    /// <summary>Device for ONNX Runtime and the kernels.</summary>
    public DeviceKind Device { get; init; } = DeviceKind.Auto;

    /// <summary>Sampler name, one of <see cref="Samplers.Names"/> (ddim, ddpm, dpm++2m).</summary>
    public string Sampler { get; init; } = "ddim";

    /// <summary>Inference steps; null = the model card's default.</summary>
    public int? Steps { get; init; }

    /// <summary>DDIM η.</summary>
    public double Eta { get; init; }

    /// <summary>Guidance scale; null = the model card's default.</summary>
    public double? Guidance { get; init; }

    /// <summary>Run seed.</summary>
    public ulong Seed { get; init; }

    /// <summary>Images per network batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>ONNX Runtime threads in all (0 = one per core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Data-parallel ONNX Runtime sessions on the CPU (0 = auto, one per thread); see <see cref="DenoiserOptions.Sessions"/>.</summary>
    public int Sessions { get; init; }

    /// <summary>Most rows per ONNX Runtime run on the CPU (0 = auto); see <see cref="DenoiserOptions.MicroBatch"/>.</summary>
    public int MicroBatch { get; init; }
}

/// <summary>
/// The assembled product path for one model: accelerator and kernels, the ONNX Runtime denoiser,
/// the schedule and its timesteps, the sampler, the diffusion loop and the synthesizer over it.
/// </summary>
public sealed class DiffusionPipeline : IDisposable
{
    private readonly KernelAccelerator _device;
    private readonly DiffusionLoop _loop;

    private DiffusionPipeline(ModelFolder model, KernelAccelerator device, OnnxDenoiser denoiser, NoiseSchedule schedule, ISampler sampler,
        DiffusionLoop loop, SamplingSchedule timesteps, PipelineSettings settings)
    {
        Model = model;
        _device = device;
        Denoiser = denoiser;
        Schedule = schedule;
        Sampler = sampler;
        _loop = loop;
        Timesteps = timesteps;
        Settings = settings;
        Synthesizer = new Synthesizer(loop, denoiser, denoiser.Manifest.Conditioning, denoiser.Manifest.Pixels);
    }

    /// <summary>The model folder (layout, files, scheduler config and description).</summary>
    public ModelFolder Model { get; }

    /// <summary>The ONNX Runtime denoiser.</summary>
    public OnnxDenoiser Denoiser { get; }

    /// <summary>The model's manifest.</summary>
    public ModelManifest Manifest => Denoiser.Manifest;

    /// <summary>The noise schedule.</summary>
    public NoiseSchedule Schedule { get; }

    /// <summary>The sampler.</summary>
    public ISampler Sampler { get; }

    /// <summary>The sampler's whole inference schedule for the chosen step count (a reconstruction runs a tail of it).</summary>
    public SamplingSchedule Timesteps { get; }

    /// <summary>The settings with defaults filled in.</summary>
    public PipelineSettings Settings { get; }

    /// <summary>sha256 of the U-Net's .onnx file (computed once, on first use).</summary>
    public string ModelSha256 => _sha ??= Denoiser.Sha256 ?? Synthesis.SyntheticDatasetWriter.Sha256(File.ReadAllBytes(Denoiser.OnnxPath));

    private string? _sha;

    /// <summary>The synthesizer (generation and reconstruction).</summary>
    public Synthesizer Synthesizer { get; }

    /// <summary>Fallback notices (e.g. CUDA requested by auto but not usable).</summary>
    public IReadOnlyList<string> Notices => (_device.Notice, Denoiser.Notice) switch
    {
        (null, null) => [],
        (not null, not null) => ["device auto: no usable CUDA device; ONNX Runtime and the sampler kernels run on the CPU"],
        var (k, o) => [(k ?? o)!],
    };

    /// <summary>Opens a model folder and assembles the pipeline.</summary>
    /// <exception cref="OnnxDiffusionException">Any invalid file or setting (the message names it).</exception>
    public static DiffusionPipeline Open(PipelineSettings settings)
    {
        if (settings.BatchSize < 1)
            throw new ConfigException($"--batch {settings.BatchSize}: expected an integer ≥ 1");
        var model = ModelFolder.Open(settings.ModelDirectory);
        var manifest = model.Manifest;
        var config = model.Scheduler;
        var filled = settings with
        {
            Steps = settings.Steps ?? manifest.DefaultSteps,
            Guidance = settings.Guidance ?? manifest.DefaultGuidanceScale,
        };
        var sampler = Samplers.Create(filled.Sampler, config);
        var schedule = new NoiseSchedule(config);
        var timesteps = sampler.Timesteps(schedule, filled.Steps!.Value);
        if (filled.Eta is < 0 or > 1 || double.IsNaN(filled.Eta))
            throw new ConfigException($"--eta {filled.Eta}: expected a number in [0, 1]");
        if (!(double.IsFinite(filled.Guidance!.Value) && filled.Guidance.Value >= 0))
            throw new ConfigException($"--guidance {filled.Guidance.Value}: expected a finite number ≥ 0");
        // x, model output, x̂0 history and their host copies, doubled for guidance's two halves.
        ResourceLimits.CheckBuffers("--batch", filled.BatchSize, 8.0 * filled.BatchSize * manifest.Channels * manifest.ImageSize * manifest.ImageSize * sizeof(float));

        var device = KernelAccelerator.Create(filled.Device);
        OnnxDenoiser? denoiser = null;
        try
        {
            var kernels = new DiffusionKernels(device);
            denoiser = new OnnxDenoiser(model, new DenoiserOptions
            {
                Device = filled.Device,
                GuidanceScale = filled.Guidance!.Value,
                IntraOpThreads = filled.IntraOpThreads,
                Sessions = filled.Sessions,
                MicroBatch = filled.MicroBatch,
            }, kernels);
            var loop = new DiffusionLoop(kernels, denoiser, schedule, sampler, filled.BatchSize);
            return new DiffusionPipeline(model, device, denoiser, schedule, sampler, loop, timesteps, filled);
        }
        catch
        {
            denoiser?.Dispose();
            device.Dispose();
            throw;
        }
    }

    /// <summary>One line describing the run, e.g. "DDIM 25 steps, guidance 2, CPU ×2 sessions + ILGPU CPU".</summary>
    public string Describe() =>
        $"{Sampler.Name.ToUpperInvariant()} {Timesteps.Count} steps, guidance {Settings.Guidance}, {Denoiser.Provider}" +
        (Denoiser.SessionCount > 1 ? $" ×{Denoiser.SessionCount} sessions" : "") + $" + {_device.Description}";

    /// <inheritdoc />
    public void Dispose()
    {
        _loop.Dispose();
        Denoiser.Dispose();
        _device.Dispose();
    }
}
