using Microsoft.ML.OnnxRuntime;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Sampling;

namespace OnnxDiffusion.Models;

/// <summary>
/// A diffusion U-Net exported to ONNX, run through ONNX Runtime. Takes its description from a <see cref="ModelFolder"/>
/// (model.json, or inferred from the graph) and checks the session's inputs and outputs against it at load
/// (<see cref="SessionCheck"/>); inputs and outputs of other element types (float16 samples, int32 or float timesteps,
/// int32 labels) and shapes (a scalar or [1] timestep shared by the batch) are converted into and out of the float32 /
/// int64 values the loop works in (<see cref="InputFeed"/>, one per input role). Classifier-free guidance is done here:
/// the conditional and the null-condition halves go through the network as one doubled batch and are combined by the
/// guidance kernel (<see cref="GuidanceBatch"/>). On the CPU the rows of a call are split across several sessions that
/// run side by side (<see cref="DenoiserSessions"/>), each in runs of at most <see cref="MicroBatch"/> rows over
/// tensors bound once per batch size (<see cref="SessionRuns"/>): a steady-state call allocates only inside ILGPU's
/// guidance launch.
/// </summary>
public sealed class OnnxDenoiser : IDenoiser, IDisposable
{
    private readonly DenoiserSessions _sessions;
    private readonly InputFeed[] _feeds;
    private readonly ModelOutput _output;
    private readonly GuidanceBatch _guidance;
    private readonly SessionRuns _runs;
    private readonly bool _takesCondition;
    private int _capacity;

    /// <summary>Opens the model at <paramref name="modelPath"/> (any layout <see cref="ModelFolder.Open"/> reads).</summary>
    /// <param name="modelPath">A model folder, or a bare .onnx.</param>
    /// <param name="options">Provider and guidance options.</param>
    /// <param name="kernels">Kernels for the guidance combine; required when guidance is on.</param>
    /// <exception cref="OnnxDiffusionException">Missing files, a non-ONNX file, or a session that disagrees with the description.</exception>
    public OnnxDenoiser(string modelPath, DenoiserOptions options, DiffusionKernels? kernels = null)
        : this(ModelFolder.Open(modelPath), options, kernels)
    {
    }

    /// <summary>Loads the ONNX file of an opened <paramref name="model"/>.</summary>
    /// <param name="model">The model folder.</param>
    /// <param name="options">Provider and guidance options.</param>
    /// <param name="kernels">Kernels for the guidance combine; required when guidance is on.</param>
    /// <exception cref="OnnxDiffusionException">A missing or non-ONNX file, or a session that disagrees with the description.</exception>
    public OnnxDenoiser(ModelFolder model, DenoiserOptions options, DiffusionKernels? kernels = null)
    {
        string manifestPath = model.ManifestSource;
        Manifest = model.Manifest;
        Options = options;
        OnnxPath = model.OnnxPath;
        if (!File.Exists(OnnxPath))
            throw new OnnxDiffusionException($"{OnnxPath}: ONNX file named by {manifestPath} not found");
        if (Manifest.OnnxSha256 is { Length: > 0 } expected)
        {
            string actual = Data.Sha256.OfFile(OnnxPath);
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
                throw new OnnxDiffusionException(
                    $"{manifestPath}: key 'onnx_sha256' = {expected} but {Manifest.Onnx} hashes to {actual}: the model file changed or the manifest is stale");
            Sha256 = actual;
        }
        if (Guided)
        {
            if (!Manifest.TakesClasses)
                throw new OnnxDiffusionException(
                    $"--guidance {options.GuidanceScale}: {model.Path} is an unconditional model: classifier-free guidance needs a conditional model with a null class (use --guidance 1)");
            if (Manifest.IsConditional && Manifest.NullClass is null)
                throw new OnnxDiffusionException(
                    $"--guidance {options.GuidanceScale}: {model.Path} has no null class ({manifestPath}): classifier-free guidance needs one ('null_class'); use --guidance 1");
            if (kernels is null)
                throw new ArgumentException("guidance needs the diffusion kernels for its combine step", nameof(kernels));
        }
        _feeds = InputFeed.For(Manifest, OnnxPath);
        _output = new ModelOutput(Manifest);
        _takesCondition = _feeds.Any(f => f.Condition != ConditioningKind.None);
        _sessions = DenoiserSessions.Open(OnnxPath, options, Manifest.FixedBatch);
        try
        {
            SessionCheck.Validate(GraphSignature.Of(_sessions.Sessions[0]), _feeds, _output, manifestPath, OnnxPath);
        }
        catch
        {
            _sessions.Dispose();
            throw;
        }
        _guidance = new GuidanceBatch(options.GuidanceScale, Guided ? kernels : null);
        _runs = new SessionRuns(_sessions, _feeds, _output);
        foreach (var feed in _feeds)
            if (feed.Probe(Guided) is { } probe)
                Probe(probe, manifestPath);
    }

    /// <summary>sha256 of the .onnx file when model.json records one (it was verified at load), else null.</summary>
    public string? Sha256 { get; }

    // What the description claims the network takes, tried once at batch 1, so that an overstatement fails at load
    // with the keys at fault instead of inside ONNX Runtime in the middle of a run.
    private void Probe(LoadProbe probe, string manifestPath)
    {
        var sample = new float[SampleSize];
        var output = new float[SampleSize];
        try
        {
            Predict(sample, new long[] { 0 }, probe.Condition, output);
            ImageEvaluations = 0; // the probe is not the caller's work
        }
        catch (OnnxRuntimeException ex)
        {
            Dispose();
            throw new OnnxDiffusionException(
                $"{manifestPath}: {probe.Keys}: the network does not take {probe.Tried} ({ex.Message.ReplaceLineEndings(" ").Split(". ")[0]})", ex);
        }
    }

    /// <summary>The model's manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The options in force.</summary>
    public DenoiserOptions Options { get; }

    /// <summary>Path of the ONNX file.</summary>
    public string OnnxPath { get; }

    /// <summary>"CUDA" or "CPU": the execution provider actually used.</summary>
    public string Provider => _sessions.Provider;

    /// <summary>Why the requested provider was not used, or null.</summary>
    public string? Notice => _sessions.Notice;

    /// <inheritdoc />
    public int SampleSize => Manifest.SampleSize;

    /// <summary>True when each prediction combines a conditional and an unconditional pass.</summary>
    public bool Guided => Options.GuidanceScale > 1.0;

    /// <summary>Rows per ONNX Runtime run on the CPU when <see cref="DenoiserOptions.MicroBatch"/> is 0.</summary>
    public const int DefaultCpuMicroBatch = 16;

    /// <summary>Most rows one session runs at once (unlimited on CUDA).</summary>
    public int MicroBatch => _sessions.MicroBatch;

    /// <summary>ONNX Runtime sessions a call's rows are split across (1 on CUDA).</summary>
    public int SessionCount => _sessions.Sessions.Length;

    /// <summary>Network evaluations (images through the U-Net) so far; guidance counts two per image.</summary>
    public long ImageEvaluations { get; private set; }

    /// <inheritdoc />
    public void Predict(ReadOnlyMemory<float> sample, ReadOnlyMemory<long> timesteps, Conditioning condition, Memory<float> output)
    {
        int b = timesteps.Length;
        int s = SampleSize;
        if (sample.Length != b * s || output.Length != b * s)
            throw new ArgumentException($"sample/output hold {sample.Length}/{output.Length} values: expected {b * s} for {b} samples");
        var request = new FeedRequest(sample, timesteps, condition, _guidance.On);
        foreach (var feed in _feeds)
            feed.Check(request);
        if (!_takesCondition && condition.Kind != ConditioningKind.None)
            throw new OnnxDiffusionException($"model {OnnxPath} is unconditional: it takes no {condition.Kind.ToString().ToLowerInvariant()} condition");
        _guidance.Check(condition);
        int rows = request.Rows;
        EnsureCapacity(rows);
        foreach (var feed in _feeds)
            feed.Fill(request);

        _runs.Run(rows);
        ImageEvaluations += rows;

        var result = _output.Values.Span[..(rows * s)];
        int bad = IndexOfNonFinite(result);
        if (bad >= 0)
            throw new OnnxDiffusionException(
                $"{OnnxPath}: output '{Manifest.Output}' is {result[bad]} at sample {bad / s}, element {bad % s} (timestep {timesteps.Span[bad / s % b]}): the model produced a non-finite value");
        _guidance.Combine(b, s);
        var combined = _output.Values.Span[..(b * s)];
        // The model's outputs were finite, so an infinity now is the scale's doing: say so, rather than blame the model
        // when the next step feeds it the overflowed sample.
        if (_guidance.On && IndexOfNonFinite(combined) is var over and >= 0)
            throw new ConfigException(
                $"guidance scale {_guidance.Scale}: u + w·(c − u) overflows float32 at sample {over / s}, element {over % s} (timestep {timesteps.Span[over / s]}) though the model's outputs were finite; use a smaller scale");
        combined.CopyTo(output.Span);
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        // Sum is NaN/Inf iff some element is (or the sum overflows, which also deserves a closer look).
        if (float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum(values)))
            return -1;
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                return i;
        return -1;
    }

    // Buffers grow (at least doubling) and never shrink, so alternating batch sizes keep their bindings.
    private void EnsureCapacity(int rows)
    {
        if (_capacity >= rows)
            return;
        _runs.Unbind();
        _capacity = Math.Max(rows, 2 * _capacity);
        foreach (var feed in _feeds)
            feed.Allocate(_capacity);
        _output.Allocate(_capacity, _guidance.Allocate(_capacity * SampleSize));
    }

    /// <summary>How many CPU sessions, and threads each, the options ask for.</summary>
    /// <exception cref="OnnxDiffusionException">A negative thread, session or micro-batch count.</exception>
    public static (int Sessions, int ThreadsEach) CpuLayout(DenoiserOptions options) => DenoiserSessions.CpuLayout(options);

    /// <summary>
    /// The session options the denoiser opens its model with, before an execution provider is appended.
    /// Public so that benchmarks time the network under exactly the product's settings.
    /// </summary>
    /// <param name="options">Thread count and device of the denoiser.</param>
    /// <returns>Options the caller owns and disposes.</returns>
    public static SessionOptions CreateSessionOptions(DenoiserOptions options) => DenoiserSessions.CreateOptions(options);

    /// <inheritdoc />
    public void Dispose()
    {
        _runs.Dispose();
        _guidance.Dispose();
        _sessions.Dispose();
    }
}
