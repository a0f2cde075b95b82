using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Models;
using OnnxDiffusion.Pipelines;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// <c>compare</c>: the C# half of the side-by-side with PyTorch (benchmarks/side_by_side.py runs both in turn).
/// Times the product's own generation path — <see cref="DiffusionPipeline"/> + <see cref="Synthesizer"/>, DDIM,
/// classifier-free guidance as one doubled batch — then, for the overhead ratio, the bare <see cref="OnnxDenoiser"/>
/// forward (guidance off, so Predict is one network call) over exactly the same calls: the same rows per call
/// and the same number of network evaluations. Start-up and one warm-up step per batch shape are not timed.
/// Ends with one line <c>RESULT {json}</c> for the runner.
/// </summary>
public static class CompareMode
{
    /// <summary>Runs the mode; returns the exit code.</summary>
    public static int Run(CliArgs args)
    {
        int batch = args.Int("batch", 64);
        int threads = args.Int("threads", 2);
        int images = args.Int("images", 64);
        int steps = args.Int("steps", 25);
        double guidance = args.Double("guidance", 2.0);
        int seed = args.Int("seed", 1);
        string modelDir = args.String("model") ?? RepoPaths.ModelDirectory;
        args.RejectUnknown();
        if (batch < 1 || images < 1 || threads < 1)
            throw new ArgumentException("--batch, --images and --threads must be ≥ 1");

        var settings = DdimSettings(modelDir, steps, guidance, seed, batch, threads);
        var items = Enumerable.Range(0, images).Select(i => new SynthesisItem(i, i % 10)).ToArray();
        var pixels = new byte[images * 28 * 28];
        double pipelineSeconds;
        long evaluations;
        bool guided;
        int[] timesteps;
        using (var pipeline = DiffusionPipeline.Open(settings))
        {
            guided = pipeline.Denoiser.Guided;
            timesteps = pipeline.Timesteps;
            int s = pipeline.Denoiser.SampleSize;
            void Sink(SynthesisItem item, ReadOnlySpan<float> image)
            {
                var dst = pixels.AsSpan((int)item.Id * s, s);
                for (int i = 0; i < s; i++)
                    dst[i] = Data.LabeledImages.ToByte(image[i]);
            }
            // Warm-up: one step over the same items, so every batch shape has run once.
            pipeline.Synthesizer.Run(items, [timesteps[0]], 1.0, null, (ulong)seed, 0, Sink);
            long before = pipeline.Denoiser.ImageEvaluations;
            var sw = Stopwatch.StartNew();
            pipeline.Synthesizer.Run(items, timesteps, 1.0, null, (ulong)seed, 0, Sink);
            pipelineSeconds = sw.Elapsed.TotalSeconds;
            evaluations = pipeline.Denoiser.ImageEvaluations - before;
            Console.WriteLine($"pipeline: {pipeline.Describe()}, batch {batch}, {threads} intra-op threads");
        }

        var (forwardSeconds, forwardEvaluations) = TimeBareForward(modelDir, threads, batch, images, guided, timesteps);
        if (forwardEvaluations != evaluations)
            throw new InvalidOperationException($"bare forward made {forwardEvaluations} network evaluations, the pipeline {evaluations}");

        double imagesPerSecond = images / pipelineSeconds;
        double overhead = pipelineSeconds / forwardSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"csharp: {images} images in {pipelineSeconds:0.000} s = {imagesPerSecond:0.00} images/s; bare forward over the same {evaluations} evaluations {forwardSeconds:0.000} s; overhead {overhead:0.000}"));
        var result = new Dictionary<string, object>
        {
            ["side"] = "csharp",
            ["images"] = images,
            ["batch"] = batch,
            ["threads"] = threads,
            ["steps"] = timesteps.Length,
            ["guidance"] = guidance,
            ["evaluations"] = evaluations,
            ["seconds"] = pipelineSeconds,
            ["images_per_s"] = imagesPerSecond,
            ["forward_seconds"] = forwardSeconds,
            ["overhead"] = overhead,
        };
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>
    /// The network alone: an unguided denoiser (Predict = one session run) called with the rows the pipeline's
    /// calls had (2 × batch when guided), once per step per batch.
    /// </summary>
    private static (double Seconds, long Evaluations) TimeBareForward(string modelDir, int threads, int batch, int images,
        bool guided, int[] timesteps)
    {
        using var denoiser = new OnnxDenoiser(modelDir, new DenoiserOptions { Device = DeviceKind.Cpu, GuidanceScale = 1.0, IntraOpThreads = threads });
        int s = denoiser.SampleSize;
        var calls = new List<(float[] X, long[] T, long[] Y, float[] Out)>();
        var rng = new Random(5);
        for (int start = 0; start < images; start += batch)
        {
            int rows = (guided ? 2 : 1) * Math.Min(batch, images - start);
            var x = new float[rows * s];
            for (int i = 0; i < x.Length; i++)
                x[i] = (float)(rng.NextDouble() * 2 - 1);
            var y = Enumerable.Range(0, rows).Select(i => (long)(i % 10)).ToArray();
            calls.Add((x, new long[rows], y, new float[rows * s]));
        }
        foreach (var c in calls)
            denoiser.Predict(c.X, c.T, c.Y, c.Out);
        long before = denoiser.ImageEvaluations;
        var sw = Stopwatch.StartNew();
        foreach (int t in timesteps)
        {
            foreach (var c in calls)
            {
                Array.Fill(c.T, t);
                denoiser.Predict(c.X, c.T, c.Y, c.Out);
            }
        }
        return (sw.Elapsed.TotalSeconds, denoiser.ImageEvaluations - before);
    }

    /// <summary>
    /// <c>dump</c>: writes a small generation run's starting noise x_T (recomputed on the host with the same
    /// counter-based generator the noise kernel uses), labels, timesteps and the pipeline's result x_0 as JSON,
    /// for <c>ddim_bench.py --verify</c> to run its loop from the same x_T and compare.
    /// </summary>
    public static int Dump(CliArgs args)
    {
        string path = args.String("out") ?? throw new ArgumentException("dump: --out FILE is required");
        int count = args.Int("images", 8);
        int steps = args.Int("steps", 25);
        double guidance = args.Double("guidance", 2.0);
        int seed = args.Int("seed", 1);
        int threads = args.Int("threads", 2);
        string modelDir = args.String("model") ?? RepoPaths.ModelDirectory;
        args.RejectUnknown();
        using var pipeline = DiffusionPipeline.Open(DdimSettings(modelDir, steps, guidance, seed, count, threads));
        WriteDump(pipeline, path, count, (ulong)seed);
        return 0;
    }

    /// <summary>The guided DDIM generation both modes time and dump, on the CPU.</summary>
    private static PipelineSettings DdimSettings(string modelDir, int steps, double guidance, int seed, int batch, int threads) => new()
    {
        ModelDirectory = modelDir,
        Device = DeviceKind.Cpu,
        Sampler = "ddim",
        Steps = steps,
        Guidance = guidance,
        Seed = (ulong)seed,
        BatchSize = batch,
        IntraOpThreads = threads,
    };

    private static void WriteDump(DiffusionPipeline pipeline, string path, int count, ulong seed)
    {
        int s = pipeline.Denoiser.SampleSize;
        var items = Enumerable.Range(0, count).Select(i => new SynthesisItem(i, i % 10)).ToArray();
        var xT = new float[count * s];
        for (int i = 0; i < count; i++)
            for (int e = 0; e < s; e++)
                xT[i * s + e] = Philox.Normal(seed, (ulong)i, NoiseKey.InitialStream, (uint)e);
        var x0 = new float[count * s];
        pipeline.Synthesizer.Run(items, pipeline.Timesteps, 1.0, null, seed, 0,
            (item, image) => image.CopyTo(x0.AsSpan((int)item.Id * s, s)));
        var dumpObject = new Dictionary<string, object>
        {
            ["seed"] = seed,
            ["guidance"] = pipeline.Settings.Guidance ?? 1.0,
            ["timesteps"] = pipeline.Timesteps,
            ["labels"] = items.Select(it => it.Label).ToArray(),
            ["shape"] = new[] { count, pipeline.Manifest.Channels, pipeline.Manifest.ImageSize, pipeline.Manifest.ImageSize },
            ["x_T"] = xT,
            ["x_0"] = x0,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(dumpObject));
        Console.WriteLine($"wrote {path}: x_T and x_0 of {count} images for the PyTorch loop to check against");
    }
}
