using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Models;
using OnnxDiffusion.Pipelines;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// <c>compare</c>: the C# half of the side-by-side with PyTorch (benchmarks/side_by_side.py runs both in turn).
/// Times the product's own generation path — <see cref="DiffusionPipeline"/> + <see cref="Synthesizer"/>, DDIM,
/// classifier-free guidance as one doubled batch — and, for the overhead ratio, the bare network forward over exactly
/// the same calls. The two are interleaved step by step: after each pipeline step (timed) a bare forward of the same
/// rows runs (timed separately, not counted in the pipeline's time), so drift on a shared machine hits both alike.
/// The bare forward is an unguided <see cref="OnnxDenoiser"/> with the same session layout, so <c>Predict</c> is the
/// ONNX Runtime runs alone. Start-up and one warm-up step per batch shape are not timed.
/// Ends with one line <c>RESULT {json}</c> for the runner.
/// </summary>
public static class CompareMode
{
    /// <summary>Runs the mode; returns the exit code.</summary>
    public static int Run(CliArgs args)
    {
        int batch = args.Int("batch", 64);
        int threads = args.Int("threads", 2);
        int sessions = args.Int("sessions", 0);
        int microBatch = args.Int("micro-batch", 0);
        int images = args.Int("images", 64);
        int steps = args.Int("steps", 25);
        double guidance = args.Double("guidance", 2.0);
        int seed = args.Int("seed", 1);
        string modelDir = args.String("model") ?? RepoPaths.ModelDirectory;
        args.RejectUnknown();
        if (batch < 1 || images < 1 || threads < 1 || sessions < 0)
            throw new ArgumentException("--batch, --images and --threads must be ≥ 1, --sessions ≥ 0");

        var settings = DdimSettings(modelDir, steps, guidance, seed, batch, threads) with { Sessions = sessions, MicroBatch = microBatch };
        var items = Enumerable.Range(0, images).Select(i => new SynthesisItem(i, i % 10)).ToArray();
        var pixels = new byte[images * 28 * 28];
        using var pipeline = DiffusionPipeline.Open(settings);
        using var bare = new OnnxDenoiser(modelDir, new DenoiserOptions
        {
            Device = DeviceKind.Cpu, GuidanceScale = 1.0, IntraOpThreads = threads, Sessions = pipeline.Denoiser.SessionCount,
            MicroBatch = pipeline.Denoiser.MicroBatch,
        });
        bool guided = pipeline.Denoiser.Guided;
        var timesteps = pipeline.Timesteps;
        int s = pipeline.Denoiser.SampleSize;
        void Sink(SynthesisItem item, ReadOnlySpan<float> image)
        {
            var dst = pixels.AsSpan((int)item.Id * s, s);
            for (int i = 0; i < s; i++)
                dst[i] = Data.LabeledImages.ToByte(image[i]);
        }

        var timer = new InterleavedForward(bare, images, batch, guided, timesteps.Timesteps);
        // Warm-up: one step over the same items, so every batch shape has run once on both sides.
        timer.Enabled = false;
        pipeline.Synthesizer.Run(items, [timesteps[0]], 1.0, null, (ulong)seed, 0, Sink);
        timer.WarmUp();
        timer.Enabled = true;
        long before = pipeline.Denoiser.ImageEvaluations;
        var sw = Stopwatch.StartNew();
        pipeline.Synthesizer.Run(items, timesteps, 1.0, null, (ulong)seed, 0, Sink, stepProgress: timer);
        double pipelineSeconds = sw.Elapsed.TotalSeconds - timer.InsideSeconds;
        long evaluations = pipeline.Denoiser.ImageEvaluations - before;
        Console.WriteLine($"pipeline: {pipeline.Describe()}, batch {batch}, {threads} threads, at most {pipeline.Denoiser.MicroBatch} rows per run");
        if (timer.Evaluations != evaluations)
            throw new InvalidOperationException($"bare forward made {timer.Evaluations} network evaluations, the pipeline {evaluations}");

        double imagesPerSecond = images / pipelineSeconds;
        double overhead = pipelineSeconds / timer.ForwardSeconds;
        double stepMedian = Median(timer.StepRatios);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"csharp: {images} images in {pipelineSeconds:0.000} s = {imagesPerSecond:0.00} images/s; bare forward over the same {evaluations} evaluations {timer.ForwardSeconds:0.000} s; overhead {overhead:0.0000} (median per-step ratio {stepMedian:0.0000} over {timer.StepRatios.Count} steps)"));
        var result = new Dictionary<string, object>
        {
            ["side"] = "csharp",
            ["images"] = images,
            ["batch"] = batch,
            ["threads"] = threads,
            ["sessions"] = pipeline.Denoiser.SessionCount,
            ["micro_batch"] = pipeline.Denoiser.MicroBatch,
            ["steps"] = timesteps.Count,
            ["guidance"] = guidance,
            ["evaluations"] = evaluations,
            ["seconds"] = pipelineSeconds,
            ["images_per_s"] = imagesPerSecond,
            ["forward_seconds"] = timer.ForwardSeconds,
            ["overhead"] = overhead,
            ["overhead_step_median"] = stepMedian,
        };
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>
    /// The bare forward, run from the pipeline's step progress: after each pipeline step, one unguided call with the
    /// rows that step's network call had (2 × batch when guided). Keeps the time spent inside so that the caller can
    /// take it out of the pipeline's time, and each step's pipeline time ÷ its forward time.
    /// </summary>
    private sealed class InterleavedForward : IProgress<DiffusionProgress>
    {
        private readonly OnnxDenoiser _bare;
        private readonly List<(float[] X, long[] T, long[] Y, float[] Out)> _calls = [];
        private readonly int[] _timesteps;
        private readonly Stopwatch _sinceLast = new();
        private int _batch;

        public InterleavedForward(OnnxDenoiser bare, int images, int batch, bool guided, int[] timesteps)
        {
            _bare = bare;
            _timesteps = timesteps;
            int s = bare.SampleSize;
            var rng = new Random(5);
            for (int start = 0; start < images; start += batch)
            {
                int rows = (guided ? 2 : 1) * Math.Min(batch, images - start);
                var x = new float[rows * s];
                for (int i = 0; i < x.Length; i++)
                    x[i] = (float)(rng.NextDouble() * 2 - 1);
                var y = Enumerable.Range(0, rows).Select(i => (long)(i % 10)).ToArray();
                _calls.Add((x, new long[rows], y, new float[rows * s]));
            }
        }

        public bool Enabled { get; set; }

        public double InsideSeconds { get; private set; }

        public double ForwardSeconds { get; private set; }

        public long Evaluations { get; private set; }

        public List<double> StepRatios { get; } = [];

        public void WarmUp()
        {
            foreach (var c in _calls)
                _bare.Predict(c.X, c.T, Conditioning.Classes(c.Y, _bare.Manifest.NullClass), c.Out);
            _sinceLast.Restart();
        }

        public void Report(DiffusionProgress value)
        {
            if (!Enabled)
                return;
            // The first step of a batch also carries the batch's set-up (start noise, uploads): real per-batch
            // overhead, counted in the totals but kept out of the per-step ratios.
            double stepSeconds = _sinceLast.Elapsed.TotalSeconds;
            var inside = Stopwatch.StartNew();
            var c = _calls[_batch];
            Array.Fill(c.T, _timesteps[value.Step - 1]);
            long before = _bare.ImageEvaluations;
            var forward = Stopwatch.StartNew();
            _bare.Predict(c.X, c.T, Conditioning.Classes(c.Y, _bare.Manifest.NullClass), c.Out);
            double forwardSeconds = forward.Elapsed.TotalSeconds;
            ForwardSeconds += forwardSeconds;
            Evaluations += _bare.ImageEvaluations - before;
            if (value.Step > 1)
                StepRatios.Add(stepSeconds / forwardSeconds);
            if (value.Step == value.Total)
                _batch++;
            InsideSeconds += inside.Elapsed.TotalSeconds;
            _sinceLast.Restart();
        }
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
