using OnnxDiffusion.Data;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Models;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;
using OnnxDiffusion.Synthesis;
using OnnxDiffusion.Text;

namespace OnnxDiffusion.Pipelines;

/// <summary>What a run needs to know to assemble a pipeline.</summary>
public sealed record PipelineSettings
{
    /// <summary>The model: our folder (model.json), a diffusers pipeline folder, or a bare .onnx with a scheduler config (see <see cref="ModelFolder"/>).</summary>
    public required string ModelDirectory { get; init; }

    /// <summary>Device for ONNX Runtime and the kernels.</summary>
    public DeviceKind Device { get; init; } = DeviceKind.Auto;

    /// <summary>Sampler name, one of <see cref="Samplers.Names"/> (ddim, ddpm, dpm++2m, unipc).</summary>
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

    /// <summary>Prompt template of a text-to-image model, with <c>{class}</c>; null = <see cref="PromptConditioner.DefaultTemplate"/>.</summary>
    public string? Prompt { get; init; }
}

/// <summary>
/// The assembled product path for one model: accelerator and kernels, the ONNX Runtime denoiser,
/// the schedule and its timesteps, the sampler, the diffusion loop and the synthesizer over it.
/// </summary>
public sealed class DiffusionPipeline : IDisposable
{
    private readonly KernelAccelerator _device;
    private readonly DiffusionLoop _loop;
    private readonly VaeCodec? _vae;
    private readonly ClipTokenizer? _tokenizer;
    private readonly TextEncoder? _textEncoder;
    private readonly Dictionary<string, Synthesizer> _byClasses = new(StringComparer.Ordinal);

    private DiffusionPipeline(ModelFolder model, KernelAccelerator device, OnnxDenoiser denoiser, NoiseSchedule schedule, ISampler sampler,
        DiffusionLoop loop, SamplingSchedule timesteps, PipelineSettings settings, VaeCodec? vae, ClipTokenizer? tokenizer, TextEncoder? textEncoder)
    {
        _vae = vae;
        _tokenizer = tokenizer;
        _textEncoder = textEncoder;
        Model = model;
        _device = device;
        Denoiser = denoiser;
        Schedule = schedule;
        Sampler = sampler;
        _loop = loop;
        Timesteps = timesteps;
        Settings = settings;
        IImageCodec codec = vae is null ? new PixelCodec(denoiser.SampleSize) : vae;
        Synthesizer = new Synthesizer(loop, codec, denoiser.Manifest.Conditioning, denoiser.Manifest.Pixels);
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

    /// <summary>sha256 of the U-Net's .onnx file, or of all a latent pipeline's graphs (computed once, on first use).</summary>
    public string ModelSha256 => _sha ??= Model.Latent is { } parts
        // A latent pipeline's images depend on every graph: the hash of the parts' hashes, in a fixed order.
        ? Sha256.Hex(string.Join("\n",
            new[] { Denoiser.OnnxPath, parts.TextEncoder, parts.VaeEncoder, parts.VaeDecoder }.Select(f => f is null ? "-" : Sha256.OfFile(f))))
        : Denoiser.Sha256 ?? Sha256.OfFile(Denoiser.OnnxPath);

    private string? _sha;

    /// <summary>
    /// The synthesizer (generation and reconstruction) of a pixel model. A text-to-image model conditions on prompts
    /// made from class names: use <see cref="SynthesizerFor"/>.
    /// </summary>
    public Synthesizer Synthesizer { get; }

    /// <summary>The prompt template in force (text-to-image models), else null.</summary>
    public string? PromptTemplate => Manifest.Text is null ? null : Settings.Prompt ?? PromptConditioner.DefaultTemplate;

    /// <summary>Whether real images can be encoded (false for a latent pipeline without its VAE encoder).</summary>
    public bool CanReconstruct => _vae?.CanEncode ?? true;

    /// <summary>
    /// The synthesizer for images filed under <paramref name="classNames"/>: the pixel model's own, or, for a
    /// text-to-image model, one that conditions class c on the template's prompt for its name (encoded once per list).
    /// </summary>
    /// <exception cref="ConfigException">A template without {class}.</exception>
    public Synthesizer SynthesizerFor(IReadOnlyList<string> classNames)
    {
        if (_textEncoder is null)
            return Synthesizer;
        string key = string.Join("\n", classNames);
        if (!_byClasses.TryGetValue(key, out var synth))
            _byClasses[key] = synth = Synthesizer.With(new PromptConditioner(_tokenizer!, _textEncoder, PromptTemplate!, classNames));
        return synth;
    }

    /// <summary>The prompts class names get under the template in force (text-to-image models); empty otherwise.</summary>
    public IReadOnlyList<string> PromptsFor(IReadOnlyList<string> classNames) =>
        PromptTemplate is { } t ? classNames.Select(c => PromptConditioner.Prompt(t, c)).ToArray() : [];

    /// <summary>One line on what a latent model is, for reports; null for pixel models.</summary>
    public string? LatentDescription => Manifest.Latent is { } l
        ? $"latent diffusion ({Model.Layout}): {Manifest.Channels}×{Manifest.ImageSize}×{Manifest.ImageSize} images through a VAE to {l.Channels}×{l.Size}×{l.Size} latents, scaling factor {l.ScalingFactor.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)} ({l.ScalingFactorSource})" +
          (PromptTemplate is { } t ? $"; prompts \"{t}\" per class, null condition the empty prompt ({Manifest.Text!.Length} tokens × {Manifest.Text.Hidden})" : "")
        : null;

    /// <summary>Fallback notices (e.g. CUDA requested by auto but not usable).</summary>
    public IReadOnlyList<string> Notices => ((_device.Notice, Denoiser.Notice) switch
    {
        (null, null) => Array.Empty<string>(),
        (not null, not null) => ["device auto: no usable CUDA device; ONNX Runtime and the sampler kernels run on the CPU"],
        var (k, o) => [(k ?? o)!],
    }).Concat(Model.Notice is { } n ? [n] : []).ToArray();

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
        if (!GuidanceScale.IsValid(filled.Guidance!.Value))
            throw new ConfigException(settings.Guidance is null
                ? $"{settings.ModelDirectory}: model key 'default_guidance_scale' = {filled.Guidance.Value}: expected {GuidanceScale.Expected}"
                : $"--guidance {filled.Guidance.Value}: expected {GuidanceScale.Expected}");
        if (filled.Prompt is { } prompt && manifest.Text is null)
            throw new ConfigException($"--prompt '{prompt}': {settings.ModelDirectory} is not a text-to-image model (it takes {(manifest.IsConditional ? "class labels" : "no condition")})");
        if (filled.Prompt is { } template && !template.Contains("{class}", StringComparison.Ordinal))
            throw new ConfigException($"--prompt '{template}': expected a template with {{class}} (e.g. \"{PromptConditioner.DefaultTemplate}\"), or every class gets the same prompt");
        // x, model output, x̂0 history and their host copies, doubled for guidance's two halves.
        ResourceLimits.CheckBuffers("--batch", filled.BatchSize, 8.0 * filled.BatchSize * manifest.Channels * manifest.ImageSize * manifest.ImageSize * sizeof(float));

        // The tokenizer first: a broken tokenizer/ should not cost loading the U-Net.
        var tokenizer = model.Latent is { } latentParts && manifest.Text is not null ? ClipTokenizer.Load(latentParts.TokenizerDirectory) : null;
        KernelAccelerator device;
        try
        {
            device = KernelAccelerator.Create(filled.Device);
        }
        catch (DeviceUnavailableException ex)
        {
            throw new OnnxDiffusionException(ex.Message, ex);
        }
        OnnxDenoiser? denoiser = null;
        VaeCodec? vae = null;
        TextEncoder? text = null;
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
            if (model.Latent is { } parts)
            {
                vae = new VaeCodec(parts, manifest, denoiser.Provider);
                if (manifest.Text is { } spec)
                    text = new TextEncoder(parts.TextEncoder, spec, denoiser.Provider);
            }
            var loop = new DiffusionLoop(kernels, denoiser, schedule, sampler, filled.BatchSize);
            return new DiffusionPipeline(model, device, denoiser, schedule, sampler, loop, timesteps, filled, vae, tokenizer, text);
        }
        catch
        {
            text?.Dispose();
            vae?.Dispose();
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
        _textEncoder?.Dispose();
        _vae?.Dispose();
        Denoiser.Dispose();
        _device.Dispose();
    }
}
