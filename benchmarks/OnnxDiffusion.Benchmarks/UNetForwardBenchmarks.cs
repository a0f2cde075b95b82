using OnnxDiffusion.Sampling;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Models;

namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// The embedded U-Net alone under ONNX Runtime (CPU), with the product's session options: one forward of
/// <see cref="Batch"/> images (no guidance, so Batch is also the rows through the network). One session with all
/// threads, two ways to hand over the tensors: <c>Run</c> with preallocated OrtValues and <c>RunWithBinding</c> over
/// an IOBinding of the same tensors; and the product's layout, an unguided <see cref="OnnxDenoiser"/>: one
/// single-threaded session per core, rows split across them, runs of at most 16 rows, IOBinding.
/// </summary>
[MemoryDiagnoser]
public class UNetForwardBenchmarks
{
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private ForwardInputs _inputs = null!;
    private OrtIoBinding _binding = null!;
    private OnnxDenoiser _denoiser = null!;
    private Conditioning _condition = Conditioning.None;

    /// <summary>Images per forward.</summary>
    [Params(1, 16, 64, 256)]
    public int Batch { get; set; }

    /// <summary>Opens the session and binds the tensors; one untimed run plans the memory for this shape.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var manifest = ModelManifest.Load(Path.Combine(RepoPaths.ModelDirectory, "model.json"));
        using (var so = OnnxDenoiser.CreateSessionOptions(new DenoiserOptions { Device = DeviceKind.Cpu }))
            _session = new InferenceSession(Path.Combine(RepoPaths.ModelDirectory, manifest.Onnx), so);
        _runOptions = new RunOptions();
        _inputs = new ForwardInputs(manifest, Batch);
        _binding = _inputs.Bind(_session);
        _inputs.Run(_session, _runOptions);
        _denoiser = new OnnxDenoiser(RepoPaths.ModelDirectory, new DenoiserOptions { Device = DeviceKind.Cpu });
        _condition = Conditioning.Classes(_inputs.Labels, _denoiser.Manifest.NullClass);
        ProductLayout();
    }

    /// <summary><c>InferenceSession.Run</c> with preallocated input and output OrtValues.</summary>
    [Benchmark(Baseline = true)]
    public void OrtValueRun() => _inputs.Run(_session, _runOptions);

    /// <summary><c>InferenceSession.RunWithBinding</c> over the same tensors bound once.</summary>
    [Benchmark]
    public void IoBindingRun() => _session.RunWithBinding(_runOptions, _binding);

    /// <summary>The product's layout: sessions per core, micro-batches, IOBinding (plus one input and one output copy).</summary>
    [Benchmark]
    public void ProductLayout() => _denoiser.Predict(_inputs.Sample, _inputs.Timesteps, _condition, _inputs.Output);

    /// <summary>Releases the session and tensors.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _denoiser.Dispose();
        _binding.Dispose();
        _inputs.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
