using BenchmarkDotNet.Attributes;
using OnnxDiffusion.Data;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Pipelines;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// End-to-end synthesis through the product's <see cref="DiffusionPipeline"/> and its <see cref="Synthesizer"/>
/// on the CPU, as <c>onnxdiffusion generate</c> / <c>reconstruct</c> drive them, minus PNG and manifest writing
/// (the sink only quantises each image to bytes). <see cref="Images"/> images in one batch per operation, so a
/// run stays short; the Images/s column is the throughput. DDIM 25 steps, guidance 2 (the model card's defaults);
/// reconstruction at strength 0.6 runs the last 15 of those steps from real Fashion-MNIST test images.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ImagesPerSecondConfig))]
public class EndToEndBenchmarks
{
    /// <summary>Images per operation (and the batch size).</summary>
    public const int Images = 16;

    private DiffusionPipeline _pipeline = null!;
    private LabeledImages _real = null!;
    private SynthesisItem[] _generate = [];
    private SynthesisItem[] _reconstruct = [];
    private readonly byte[] _pixels = new byte[Images * 28 * 28];
    private Action<SynthesisItem, ReadOnlySpan<float>> _sink = null!;

    /// <summary>Opens the pipeline and loads the real test images.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _pipeline = DiffusionPipeline.Open(new PipelineSettings
        {
            ModelDirectory = RepoPaths.ModelDirectory,
            Device = DeviceKind.Cpu,
            Sampler = "ddim",
            Steps = 25,
            Guidance = 2.0,
            Seed = 1,
            BatchSize = Images,
        });
        var m = _pipeline.Manifest;
        _real = DatasetLoader.Load(RepoPaths.DataDirectory, "test", m.Channels, m.ClassNames);
        _generate = Enumerable.Range(0, Images).Select(i => new SynthesisItem(i, i % 10)).ToArray();
        _sink = Sink; // one delegate, not one per operation
        _reconstruct = Enumerable.Range(0, Images).Select(i => new SynthesisItem(i, _real.Labels[i], i)).ToArray();
    }

    /// <summary>Generation from noise: DDIM 25 steps, guidance 2.</summary>
    [Benchmark(OperationsPerInvoke = Images)]
    public void Generate() =>
        _pipeline.Synthesizer.Run(_generate, _pipeline.Timesteps, 1.0, null, 1, 0, _sink);

    /// <summary>Reconstruction of real images at strength 0.6 (15 of the 25 steps).</summary>
    [Benchmark(OperationsPerInvoke = Images)]
    public void Reconstruct() =>
        _pipeline.Synthesizer.Run(_reconstruct, _pipeline.Timesteps, 0.6, _real, 1, 0, _sink);

    private void Sink(SynthesisItem item, ReadOnlySpan<float> image)
    {
        var dst = _pixels.AsSpan((int)(item.Id % Images) * image.Length, image.Length);
        for (int i = 0; i < image.Length; i++)
            dst[i] = LabeledImages.ToByte(image[i]);
    }

    /// <summary>Releases the pipeline.</summary>
    [GlobalCleanup]
    public void Cleanup() => _pipeline.Dispose();
}
