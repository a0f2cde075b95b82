using Microsoft.ML.OnnxRuntime;
using OnnxDiffusion.Kernels;

namespace OnnxDiffusion.Models;

/// <summary>
/// The ONNX Runtime sessions one denoiser runs its model on, laid out for the provider: a single CUDA session, or on
/// the CPU several replicas with a share of the threads each, which keep one copy of the pre-packed weights between
/// them. ONNX Runtime parallelises the convolutions well across threads but gains less on the normalisation,
/// concatenation and layout-reorder nodes of a U-Net, so whole-network replicas keep every core busy through the whole
/// forward (benchmarks/README.md measures it).
/// </summary>
internal sealed class DenoiserSessions : IDisposable
{
    private readonly PrePackedWeightsContainer? _prepacked;

    private DenoiserSessions(InferenceSession[] sessions, PrePackedWeightsContainer? prepacked, string provider, string? notice, int microBatch)
    {
        Sessions = sessions;
        _prepacked = prepacked;
        Provider = provider;
        Notice = notice;
        MicroBatch = microBatch;
    }

    /// <summary>The sessions; a call's rows are split across them.</summary>
    public InferenceSession[] Sessions { get; }

    /// <summary>"CUDA" or "CPU": the execution provider actually used.</summary>
    public string Provider { get; }

    /// <summary>Why the requested provider was not used, or null.</summary>
    public string? Notice { get; }

    /// <summary>Most rows one session runs at once (int.MaxValue, unlimited, on CUDA).</summary>
    public int MicroBatch { get; }

    /// <summary>
    /// Whether runs go through an IOBinding, which allocates nothing per run. Only on the CPU: on CUDA, binding a host
    /// tensor copies it to the device at bind time, which would freeze the inputs.
    /// </summary>
    public bool BindsIo => Provider == "CPU";

    /// <summary>Opens <paramref name="path"/> as the options ask: CUDA when usable (auto) or asked for, else CPU replicas.</summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="options">Device, thread, session and micro-batch counts.</param>
    /// <param name="fixedBatch">The graph's fixed batch size, which caps every run, or null.</param>
    /// <exception cref="OnnxDiffusionException">A bad count, a file that is not a loadable ONNX model, or CUDA asked for and not usable.</exception>
    public static DenoiserSessions Open(string path, DenoiserOptions options, int? fixedBatch)
    {
        CheckCounts(options);
        string? notice = null;
        if (options.Device != DeviceKind.Cpu)
        {
            try
            {
                using var so = CreateOptions(options);
                so.AppendExecutionProvider_CUDA(0);
                // A bad file fails here too; the CPU attempt below then reports it clearly.
                return new([new InferenceSession(path, so)], null, "CUDA", null, fixedBatch ?? int.MaxValue);
            }
            catch (Exception ex) when (CudaProviderFailure.IsProviderFailure(ex))
            {
                if (options.Device == DeviceKind.Cuda)
                    throw CudaProviderFailure.ForDeviceCuda(ex);
            }
            notice = "device auto: ONNX Runtime CUDA provider not usable; using CPU";
        }
        var (count, threadsEach) = CpuLayout(options);
        using var cpu = CreateOptions(options with { IntraOpThreads = threadsEach });
        // The replicas share one copy of the pre-packed convolution weights.
        var prepacked = count > 1 ? new PrePackedWeightsContainer() : null;
        var sessions = new List<InferenceSession>();
        try
        {
            for (int i = 0; i < count; i++)
                sessions.Add(OpenOne(path, cpu, prepacked));
        }
        catch
        {
            foreach (var session in sessions)
                session.Dispose();
            prepacked?.Dispose();
            throw;
        }
        int microBatch = fixedBatch ?? (options.MicroBatch > 0 ? options.MicroBatch : OnnxDenoiser.DefaultCpuMicroBatch);
        return new(sessions.ToArray(), prepacked, "CPU", notice, microBatch);
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

    /// <summary>The session options the model is opened with, before an execution provider is appended.</summary>
    /// <returns>Options the caller owns and disposes.</returns>
    public static SessionOptions CreateOptions(DenoiserOptions options)
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

    private static InferenceSession OpenOne(string path, SessionOptions so, PrePackedWeightsContainer? prepacked)
    {
        try
        {
            return prepacked is null ? new InferenceSession(path, so) : new InferenceSession(path, so, prepacked);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new OnnxDiffusionException($"{path}: not a loadable ONNX model ({ex.Message.ReplaceLineEndings(" ").Trim()})", ex);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var session in Sessions)
            session.Dispose();
        _prepacked?.Dispose();
    }
}
