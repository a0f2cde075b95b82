using ILGPU;
using ILGPU.Runtime;
using Microsoft.ML.OnnxRuntime;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Sampling;

namespace OnnxDiffusion.Models;

/// <summary>
/// A diffusion U-Net exported to ONNX, run through ONNX Runtime. Takes its description from a <see cref="ModelFolder"/>
/// (model.json, or inferred from the graph) and checks the session's inputs and outputs against it at load; inputs
/// and outputs of other element types (float16 samples, int32 or float timesteps, int32 labels) and shapes (a scalar or
/// [1] timestep shared by the batch) are converted into and out of the float32 / int64 values the loop works in. Classifier-free guidance is done here:
/// the conditional and the null-class halves go through the network as one doubled batch and are combined
/// by the guidance kernel. Input and output tensors are bound once per batch size over buffers this object
/// owns (on ILGPU's CPU accelerator the output tensor is the guidance kernel's own buffer), through an IOBinding on
/// the CPU provider: a steady-state call allocates only inside ILGPU's guidance launch. On the CPU the rows of a call are split across
/// several single-threaded sessions that run side by side (data parallelism), each in runs of at most
/// <see cref="MicroBatch"/> rows: ONNX Runtime parallelises the convolutions well across threads but gains less on the
/// normalisation, concatenation and layout-reorder nodes of this U-Net, so whole-network replicas keep every core busy
/// through the whole forward, and small runs keep each layer's activations in cache (benchmarks/README.md measures both).
/// </summary>
public sealed class OnnxDenoiser : IDenoiser, IDisposable
{
    private readonly InferenceSession[] _sessions;
    private readonly RunOptions[] _runOptions;
    private readonly PrePackedWeightsContainer? _prepacked;
    private readonly ParallelRuns _parallel;
    private readonly int _microBatch;
    private readonly DiffusionKernels? _kernels;
    private readonly Dictionary<int, Binding[][]> _bindings = new();
    private Binding[][] _current = [];
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private float[] _x = [];
    private Float16[] _xh = [];
    private Float16[] _outh = [];
    private int[] _ti = [];
    private Float16[] _th = [];
    private int[] _yi = [];
    private float[] _out = [];
    private Memory<float> _outMemory;
    private bool _outOnKernelBuffer;
    private long[] _t = [];
    private float[] _tf = [];
    private long[] _y = [];
    private float[] _e = [];
    private Float16[] _eh = [];
    private MemoryBuffer1D<float, Stride1D.Dense>? _guidanceBuffer;

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
            string actual = Synthesis.SyntheticDatasetWriter.Sha256(File.ReadAllBytes(OnnxPath));
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
            _kernels = kernels ?? throw new ArgumentException("guidance needs the diffusion kernels for its combine step", nameof(kernels));
        }
        CheckCounts(options);
        (_sessions, _prepacked, Provider, Notice) = CreateSessions(OnnxPath, options);
        try
        {
            ValidateSession(manifestPath);
        }
        catch
        {
            DisposeSessions();
            throw;
        }
        _runOptions = _sessions.Select(_ => new RunOptions()).ToArray();
        _microBatch = Manifest.FixedBatch ?? (Provider != "CPU" ? int.MaxValue : options.MicroBatch > 0 ? options.MicroBatch : DefaultCpuMicroBatch);
        _parallel = new ParallelRuns(_sessions.Length, RunChunk, "onnx session");
        _inputNames = Manifest.IsConditional ? [Manifest.Inputs.Sample, Manifest.Inputs.Timestep, Manifest.Inputs.ClassLabels!]
            : Manifest.Text is { } text ? [Manifest.Inputs.Sample, Manifest.Inputs.Timestep, text.Input]
            : [Manifest.Inputs.Sample, Manifest.Inputs.Timestep];
        _outputNames = [Manifest.Output];
        if (Manifest.IsConditional)
            ProbeClassLabels(manifestPath);
    }

    /// <summary>sha256 of the .onnx file when model.json records one (it was verified at load), else null.</summary>
    public string? Sha256 { get; }

    // A label beyond the network's class embedding fails inside ONNX Runtime as a Gather error, in the middle of a run.
    // One batch-1 forward with the highest label (and, when guided, the null class) finds that at load instead.
    private void ProbeClassLabels(string manifestPath)
    {
        var sample = new float[SampleSize];
        var output = new float[SampleSize];
        try
        {
            Predict(sample, new long[] { 0 }, Conditioning.Classes(new long[] { Manifest.NumClasses - 1 }, Manifest.NullClass), output);
            ImageEvaluations = 0; // the probe is not the caller's work
        }
        catch (OnnxRuntimeException ex)
        {
            Dispose();
            string labels = Guided ? $"label {Manifest.NumClasses - 1} or the null class {Manifest.NullClass}" : $"label {Manifest.NumClasses - 1}";
            throw new OnnxDiffusionException(
                $"{manifestPath}: num_classes = {Manifest.NumClasses}" + (Guided ? $", null_class = {Manifest.NullClass}" : "") +
                $": the network does not take {labels} ({ex.Message.ReplaceLineEndings(" ").Split(". ")[0]})", ex);
        }
    }

    /// <summary>The model's manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The options in force.</summary>
    public DenoiserOptions Options { get; }

    /// <summary>Path of the ONNX file.</summary>
    public string OnnxPath { get; }

    /// <summary>"CUDA" or "CPU": the execution provider actually used.</summary>
    public string Provider { get; }

    /// <summary>Why the requested provider was not used, or null.</summary>
    public string? Notice { get; }

    /// <inheritdoc />
    public int SampleSize => Manifest.SampleSize;

    /// <summary>True when each prediction combines a conditional and an unconditional pass.</summary>
    public bool Guided => Options.GuidanceScale > 1.0;

    /// <summary>Rows per ONNX Runtime run on the CPU when <see cref="DenoiserOptions.MicroBatch"/> is 0.</summary>
    public const int DefaultCpuMicroBatch = 16;

    /// <summary>Most rows one session runs at once (unlimited on CUDA).</summary>
    public int MicroBatch => _microBatch;

    /// <summary>ONNX Runtime sessions a call's rows are split across (1 on CUDA).</summary>
    public int SessionCount => _sessions.Length;

    /// <summary>Network evaluations (images through the U-Net) so far; guidance counts two per image.</summary>
    public long ImageEvaluations { get; private set; }

    /// <inheritdoc />
    public void Predict(ReadOnlyMemory<float> sample, ReadOnlyMemory<long> timesteps, Conditioning condition, Memory<float> output)
    {
        int b = timesteps.Length;
        int s = SampleSize;
        if (sample.Length != b * s || output.Length != b * s)
            throw new ArgumentException($"sample/output hold {sample.Length}/{output.Length} values: expected {b * s} for {b} samples");
        if (Manifest.IsConditional && (condition.Kind != ConditioningKind.ClassLabel || condition.Labels.Length != b))
            throw new OnnxDiffusionException(
                $"model {OnnxPath} is class-conditional: expected {b} class labels, got {(condition.Kind == ConditioningKind.ClassLabel ? condition.Labels.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) : "a " + condition.Kind.ToString().ToLowerInvariant() + " condition")}");
        if (Manifest.Text is { } text && (condition.Kind != ConditioningKind.Embedding || condition.EmbeddingSize != text.EmbeddingSize || condition.Count != b))
            throw new OnnxDiffusionException(
                $"model {OnnxPath} is text-conditioned: expected {b} embeddings of {text.Length}×{text.Hidden}, got {(condition.Kind == ConditioningKind.Embedding ? $"{condition.Count} of {condition.EmbeddingSize} values" : "a " + condition.Kind.ToString().ToLowerInvariant() + " condition")}");
        if (!Manifest.TakesClasses && condition.Kind != ConditioningKind.None)
            throw new OnnxDiffusionException($"model {OnnxPath} is unconditional: it takes no {condition.Kind.ToString().ToLowerInvariant()} condition");
        if (Guided && !condition.HasNull)
            throw new OnnxDiffusionException($"guidance scale {Options.GuidanceScale}: the condition has no null class to pair each sample with");
        if (Manifest.TimestepShape != TensorShapes.Batch && b > 0 && timesteps.Span.IndexOfAnyExcept(timesteps.Span[0]) >= 0)
            throw new OnnxDiffusionException(
                $"{OnnxPath}: input '{Manifest.Inputs.Timestep}' is one timestep {Manifest.TimestepShape} shared by the batch, but this batch has different timesteps");
        int rows = Guided ? 2 * b : b;
        EnsureCapacity(rows);

        sample.Span.CopyTo(_x);
        if (Guided)
            sample.Span.CopyTo(_x.AsSpan(b * s));
        // _t is always kept (messages name the timestep); the graph's own dtype gets a copy only when it is not int64.
        for (int i = 0; i < rows; i++)
            _t[i] = timesteps.Span[i % b];
        switch (Manifest.TimestepDtype)
        {
            case "float32":
                for (int i = 0; i < rows; i++)
                    _tf[i] = _t[i];
                break;
            case "float16":
                for (int i = 0; i < rows; i++)
                    _th[i] = (Float16)(float)_t[i];
                break;
            case "int32":
                for (int i = 0; i < rows; i++)
                    _ti[i] = (int)_t[i];
                break;
        }
        bool int32Labels = Manifest.ClassLabelsDtype == "int32";
        if (Manifest.IsConditional)
        {
            var labels = condition.Labels.Span;
            for (int i = 0; i < b; i++)
            {
                long y = labels[i];
                if (y < 0 || y >= Manifest.NumClasses && y != Manifest.NullClass)
                    throw new OnnxDiffusionException(
                        $"class label {y} of sample {i} is out of range for {OnnxPath}: expected 0 … {Manifest.NumClasses - 1}" +
                        (Manifest.NullClass is int n ? $" or the null class {n}" : ""));
                long u = Guided ? condition.NullClass!.Value : 0;
                if (int32Labels)
                {
                    _yi[i] = (int)y;
                    if (Guided)
                        _yi[b + i] = (int)u;
                }
                else
                {
                    _y[i] = y;
                    if (Guided)
                        _y[b + i] = u;
                }
            }
        }

        if (Manifest.Text is { } spec)
        {
            int e = spec.EmbeddingSize;
            condition.Embedding.Span.CopyTo(_e);
            // Guidance's second half: the unconditional (empty-prompt) states for every sample.
            if (Guided)
                for (int i = 0; i < b; i++)
                    condition.NullEmbedding.Span.CopyTo(_e.AsSpan((b + i) * e, e));
            if (_eh.Length > 0)
                ToHalf(_e.AsSpan(0, rows * e), _eh);
        }

        _current = GetBindings(rows);
        _parallel.Run(_current.Length);
        ImageEvaluations += rows;

        var result = _outMemory.Span[..(rows * s)];
        int bad = IndexOfNonFinite(result);
        if (bad >= 0)
            throw new OnnxDiffusionException(
                $"{OnnxPath}: output '{Manifest.Output}' is {result[bad]} at sample {bad / s}, element {bad % s} (timestep {_t[bad / s]}): the model produced a non-finite value");

        if (Guided)
        {
            var view = _guidanceBuffer!.View.SubView(0, rows * s);
            if (!_outOnKernelBuffer)
                view.CopyFromCPU(ref _out[0], rows * s);
            _kernels!.CombineGuidance(view, (float)Options.GuidanceScale);
            _kernels.Synchronize();
            if (!_outOnKernelBuffer)
                view.SubView(0, b * s).CopyToCPU(ref _out[0], b * s);
        }
        _outMemory.Span[..(b * s)].CopyTo(output.Span);
    }

    private void RunChunk(int chunk)
    {
        var session = _sessions[chunk];
        int s = SampleSize;
        foreach (var binding in _current[chunk])
        {
            if (_xh.Length > 0)
                ToHalf(_x.AsSpan(binding.First * s, binding.Rows * s), _xh.AsSpan(binding.First * s));
            if (binding.Io is { } io)
                session.RunWithBinding(_runOptions[chunk], io);
            else
                session.Run(_runOptions[chunk], _inputNames, binding.Inputs, _outputNames, binding.Outputs);
            if (_outh.Length > 0)
                FromHalf(_outh.AsSpan(binding.First * s, binding.Rows * s), _outMemory.Span.Slice(binding.First * s));
        }
    }

    private static void ToHalf(ReadOnlySpan<float> from, Span<Float16> to)
    {
        for (int i = 0; i < from.Length; i++)
            to[i] = (Float16)from[i];
    }

    private static void FromHalf(ReadOnlySpan<Float16> from, Span<float> to)
    {
        for (int i = 0; i < from.Length; i++)
            to[i] = (float)from[i];
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

    private void EnsureCapacity(int rows)
    {
        int s = SampleSize;
        if (_t.Length >= rows)
            return;
        DisposeBindings();
        int cap = Math.Max(rows, 2 * _t.Length);
        _x = new float[cap * s];
        _t = new long[cap];
        _tf = new float[cap];
        _ti = new int[cap];
        _th = new Float16[cap];
        _y = new long[cap];
        _yi = new int[cap];
        _e = Manifest.Text is { } text ? new float[cap * text.EmbeddingSize] : [];
        _eh = Manifest.Text is { Dtype: "float16" } half ? new Float16[cap * half.EmbeddingSize] : [];
        _xh = Manifest.SampleDtype == "float16" ? new Float16[cap * s] : [];
        _outh = Manifest.OutputDtype == "float16" ? new Float16[cap * s] : [];
        if (_kernels is not null)
        {
            _guidanceBuffer?.Dispose();
            _guidanceBuffer = _kernels.Device.Accelerator.Allocate1D<float>((long)cap * s);
        }
        // With guidance on ILGPU's CPU accelerator, ONNX Runtime writes straight into the guidance kernel's buffer.
        var kernelView = _guidanceBuffer is null || _kernels is null ? null : _kernels.Device.HostView(_guidanceBuffer);
        _outOnKernelBuffer = kernelView is not null;
        _out = _outOnKernelBuffer ? [] : new float[cap * s];
        _outMemory = kernelView ?? _out;
    }

    /// <summary>
    /// The tensors of each session's row range for a call of <paramref name="rows"/> rows, cut into runs of at most
    /// the micro-batch; made once per row count.
    /// </summary>
    private Binding[][] GetBindings(int rows)
    {
        if (_bindings.TryGetValue(rows, out var existing))
            return existing;
        int chunks = Math.Min(_sessions.Length, rows);
        var bindings = new Binding[chunks][];
        for (int k = 0; k < chunks; k++)
        {
            int first = (int)((long)k * rows / chunks);
            int count = (int)((long)(k + 1) * rows / chunks) - first;
            int runs = 1 + (count - 1) / _microBatch; // no overflow for the unlimited (int.MaxValue) micro-batch of CUDA
            bindings[k] = new Binding[runs];
            for (int r = 0; r < runs; r++)
            {
                // Even runs (e.g. 13 + 13 + 12 rather than 16 + 16 + 6).
                int a = first + (int)((long)r * count / runs);
                int b = first + (int)((long)(r + 1) * count / runs);
                bindings[k][r] = Bind(_sessions[k], a, b - a);
            }
        }
        _bindings[rows] = bindings;
        return bindings;
    }

    private Binding Bind(InferenceSession session, int first, int rows)
    {
        int s = SampleSize, c = Manifest.SampleChannels, h = Manifest.SampleImageSize;
        var info = OrtMemoryInfo.DefaultInstance;
        long[] image = [rows, c, h, h];
        // A shared timestep ([] or [1]) is the first row's: Predict checked that every row has the same.
        var (tCount, tShape) = Manifest.TimestepShape switch
        {
            TensorShapes.Scalar => (1, Array.Empty<long>()),
            TensorShapes.One => (1, new long[] { 1 }),
            _ => (rows, new long[] { rows }),
        };
        var inputs = new List<OrtValue>
        {
            _xh.Length > 0
                ? OrtValue.CreateTensorValueFromMemory(info, new Memory<Float16>(_xh, first * s, rows * s), image)
                : OrtValue.CreateTensorValueFromMemory(info, new Memory<float>(_x, first * s, rows * s), image),
            Manifest.TimestepDtype switch
            {
                "float32" => OrtValue.CreateTensorValueFromMemory(info, new Memory<float>(_tf, first, tCount), tShape),
                "float16" => OrtValue.CreateTensorValueFromMemory(info, new Memory<Float16>(_th, first, tCount), tShape),
                "int32" => OrtValue.CreateTensorValueFromMemory(info, new Memory<int>(_ti, first, tCount), tShape),
                _ => OrtValue.CreateTensorValueFromMemory(info, new Memory<long>(_t, first, tCount), tShape),
            },
        };
        if (Manifest.IsConditional)
            inputs.Add(Manifest.ClassLabelsDtype == "int32"
                ? OrtValue.CreateTensorValueFromMemory(info, new Memory<int>(_yi, first, rows), [rows])
                : OrtValue.CreateTensorValueFromMemory(info, new Memory<long>(_y, first, rows), [rows]));
        if (Manifest.Text is { } text)
        {
            int e = text.EmbeddingSize;
            long[] states = [rows, text.Length, text.Hidden];
            inputs.Add(_eh.Length > 0
                ? OrtValue.CreateTensorValueFromMemory(info, new Memory<Float16>(_eh, first * e, rows * e), states)
                : OrtValue.CreateTensorValueFromMemory(info, new Memory<float>(_e, first * e, rows * e), states));
        }
        var outputs = new[]
        {
            _outh.Length > 0
                ? OrtValue.CreateTensorValueFromMemory(info, new Memory<Float16>(_outh, first * s, rows * s), image)
                : OrtValue.CreateTensorValueFromMemory(info, _outMemory.Slice(first * s, rows * s), image),
        };
        return new Binding(session, inputs.ToArray(), outputs, _inputNames, _outputNames, ioBinding: Provider == "CPU", first, rows);
    }

    private static (InferenceSession[] Sessions, PrePackedWeightsContainer? Prepacked, string Provider, string? Notice) CreateSessions(
        string path, DenoiserOptions options)
    {
        string? notice = null;
        if (options.Device != DeviceKind.Cpu)
        {
            try
            {
                using var so = CreateSessionOptions(options);
                so.AppendExecutionProvider_CUDA(0);
                // A bad file fails here too; the CPU attempt below then reports it clearly.
                return ([new InferenceSession(path, so)], null, "CUDA", null);
            }
            catch (Exception ex) when (CudaProviderFailure.IsProviderFailure(ex))
            {
                if (options.Device == DeviceKind.Cuda)
                    throw CudaProviderFailure.ForDeviceCuda(ex);
            }
            notice = "device auto: ONNX Runtime CUDA provider not usable; using CPU";
        }
        var (count, threadsEach) = CpuLayout(options);
        using var cpu = CreateSessionOptions(options with { IntraOpThreads = threadsEach });
        // The replicas share one copy of the pre-packed convolution weights.
        var prepacked = count > 1 ? new PrePackedWeightsContainer() : null;
        var sessions = new List<InferenceSession>();
        try
        {
            for (int i = 0; i < count; i++)
                sessions.Add(Open(path, cpu, prepacked));
        }
        catch
        {
            foreach (var session in sessions)
                session.Dispose();
            prepacked?.Dispose();
            throw;
        }
        return (sessions.ToArray(), prepacked, "CPU", notice);
    }

    /// <summary>How many CPU sessions, and threads each, the options ask for.</summary>
    /// <exception cref="OnnxDiffusionException">A negative thread, session or micro-batch count.</exception>
    public static (int Sessions, int ThreadsEach) CpuLayout(DenoiserOptions options)
    {
        CheckCounts(options);
        int threads = options.IntraOpThreads > 0 ? options.IntraOpThreads : Environment.ProcessorCount;
        int sessions = options.Sessions > 0 ? options.Sessions : threads;
        return (sessions, Math.Max(1, threads / sessions));
    }

    /// <summary>The thread, session and micro-batch counts: 0 (auto) or positive, whatever the device.</summary>
    private static void CheckCounts(DenoiserOptions options)
    {
        if (options.IntraOpThreads < 0)
            throw new OnnxDiffusionException($"--threads {options.IntraOpThreads}: expected 0 (one per core) or a positive count");
        if (options.Sessions < 0)
            throw new OnnxDiffusionException($"--sessions {options.Sessions}: expected 0 (auto) or a positive count");
        if (options.MicroBatch < 0)
            throw new OnnxDiffusionException($"--micro-batch {options.MicroBatch}: expected 0 (auto) or a positive row count");
        ResourceLimits.CheckPerCore("--threads", options.IntraOpThreads);
        ResourceLimits.CheckPerCore("--sessions", options.Sessions);
    }

    /// <summary>
    /// The session options the denoiser opens its model with, before an execution provider is appended.
    /// Public so that benchmarks time the network under exactly the product's settings.
    /// </summary>
    /// <param name="options">Thread count and device of the denoiser.</param>
    /// <returns>Options the caller owns and disposes.</returns>
    public static SessionOptions CreateSessionOptions(DenoiserOptions options)
    {
        var so = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads > 0 ? options.IntraOpThreads : Environment.ProcessorCount,
            InterOpNumThreads = 1,
        };
        // Run failures reach the caller as exceptions (and become one line there); ONNX Runtime's own error log would print
        // them a second time, in colour, on stderr.
        so.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        // Idle intra-op threads block instead of spinning. The U-Net's ops are long (ms) so the wake-up latency is
        // small, while spinning threads steal the cores that the sampler kernels and any co-tenant (a shared node,
        // a CPU-limited pod) need: forwards were ~25 % faster with it off on a shared 2-core machine
        // (benchmarks/README.md, `tune`).
        so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return so;
    }

    private static InferenceSession Open(string path, SessionOptions so, PrePackedWeightsContainer? prepacked)
    {
        try
        {
            return prepacked is null ? new InferenceSession(path, so) : new InferenceSession(path, so, prepacked);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new OnnxDiffusionException($"{path}: not a loadable ONNX model ({FirstLine(ex.Message)})", ex);
        }
    }

    private static string FirstLine(string s) => s.ReplaceLineEndings(" ").Trim();

    private void ValidateSession(string manifestPath)
    {
        var graph = GraphSignature.Of(_sessions[0]);
        string have = string.Join(", ", graph.Inputs.Select(i => $"{i.Name} {i}"));
        TensorSignature RequireInput(string role, string name, string dtype)
        {
            var input = graph.Inputs.FirstOrDefault(i => i.Name == name)
                        ?? throw new OnnxDiffusionException($"{manifestPath}: input '{name}' ({role}) is not an input of {OnnxPath} (it has: {have})");
            if (input.Dtype != dtype)
                throw new OnnxDiffusionException($"{manifestPath}: input '{name}' ({role}) of {OnnxPath} is {input.Dtype}, expected {dtype}");
            return input;
        }
        var sample = RequireInput("sample", Manifest.Inputs.Sample, Manifest.SampleDtype);
        var timestep = RequireInput("timestep", Manifest.Inputs.Timestep, Manifest.TimestepDtype);
        if (Manifest.IsConditional)
            RequireInput("class_labels", Manifest.Inputs.ClassLabels!, Manifest.ClassLabelsDtype);
        if (Manifest.Text is { } text)
            RequireInput("encoder_hidden_states", text.Input, text.Dtype);
        int expectedInputs = Manifest.IsConditional || Manifest.Text is not null ? 3 : 2;
        if (graph.Inputs.Count != expectedInputs)
            throw new OnnxDiffusionException($"{manifestPath}: {OnnxPath} has {graph.Inputs.Count} inputs ({have}), the description has {expectedInputs}");
        int tRank = Manifest.TimestepShape == TensorShapes.Scalar ? 0 : 1;
        if (timestep.Rank != tRank || (Manifest.TimestepShape == TensorShapes.One && timestep.Dims[0] != 1))
            throw new OnnxDiffusionException(
                $"{manifestPath}: input '{timestep.Name}' of {OnnxPath} is {timestep}, expected timestep_shape {Manifest.TimestepShape}");

        var dims = sample.Dims;
        int[] want = [Manifest.FixedBatch ?? -1, Manifest.SampleChannels, Manifest.SampleImageSize, Manifest.SampleImageSize];
        if (dims.Count != 4 || !dims.Select((d, i) => d <= 0 ? i > 0 || Manifest.FixedBatch is null : d == want[i]).All(ok => ok))
            throw new OnnxDiffusionException(
                $"{manifestPath}: input '{Manifest.Inputs.Sample}' of {OnnxPath} is {sample}, expected [{(Manifest.FixedBatch is int fb ? fb.ToString(System.Globalization.CultureInfo.InvariantCulture) : "B")},{Manifest.SampleChannels},{Manifest.SampleImageSize},{Manifest.SampleImageSize}]");
        var output = graph.Outputs.FirstOrDefault(o => o.Name == Manifest.Output)
                     ?? throw new OnnxDiffusionException($"{manifestPath}: output '{Manifest.Output}' is not an output of {OnnxPath} (it has: {string.Join(", ", graph.Outputs.Select(o => o.Name))})");
        if (output.Dtype != Manifest.OutputDtype)
            throw new OnnxDiffusionException($"{manifestPath}: output '{Manifest.Output}' of {OnnxPath} is {output.Dtype}, expected {Manifest.OutputDtype}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _parallel.Dispose();
        DisposeBindings();
        _guidanceBuffer?.Dispose();
        foreach (var ro in _runOptions)
            ro.Dispose();
        DisposeSessions();
    }

    private void DisposeBindings()
    {
        foreach (var chunks in _bindings.Values)
            foreach (var runs in chunks)
                foreach (var b in runs)
                    b.Dispose();
        _bindings.Clear();
        _current = [];
    }

    private void DisposeSessions()
    {
        foreach (var session in _sessions)
            session.Dispose();
        _prepacked?.Dispose();
    }

    /// <summary>
    /// One session's tensors for one row range. On the CPU provider they are also bound in an IOBinding, whose
    /// run allocates nothing (the plain Run builds name and handle arrays per call). Not on CUDA: binding a host
    /// tensor there copies it to the device at bind time, which would freeze the inputs.
    /// </summary>
    private sealed class Binding : IDisposable
    {
        public Binding(InferenceSession session, OrtValue[] inputs, OrtValue[] outputs, string[] inputNames, string[] outputNames, bool ioBinding,
            int first, int rows)
        {
            Inputs = inputs;
            Outputs = outputs;
            First = first;
            Rows = rows;
            if (!ioBinding)
                return;
            Io = session.CreateIoBinding();
            for (int i = 0; i < inputs.Length; i++)
                Io.BindInput(inputNames[i], inputs[i]);
            for (int i = 0; i < outputs.Length; i++)
                Io.BindOutput(outputNames[i], outputs[i]);
        }

        public OrtValue[] Inputs { get; }

        public int First { get; }

        public int Rows { get; }

        public OrtValue[] Outputs { get; }

        public OrtIoBinding? Io { get; }

        public void Dispose()
        {
            Io?.Dispose();
            foreach (var v in Inputs) v.Dispose();
            foreach (var v in Outputs) v.Dispose();
        }
    }
}
