using System.Diagnostics;
using System.Globalization;
using OnnxDiffusion.Data;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Metrics;
using OnnxDiffusion.Pipelines;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// <c>quality</c>: quality at speed. For each sampler and step count N, generates a class-balanced set from the embedded
/// model with the card's guidance and seed (the ids and labels <c>generate --per-class</c> gives), times it, and measures
/// its Fréchet distance and label fidelity against the real test set in the feature model's space. Prints a table,
/// writes it as CSV and a plot of FD against NFE, and names, per sampler, the smallest N whose FD is within 5 % of
/// DDIM's at the largest N run (50 by default), with its images/s.
/// </summary>
public static class QualityMode
{
    /// <summary>One sampler at one step count.</summary>
    public sealed record Row(string Sampler, int Steps, int Nfe, double Fd, double LabelFidelity, double ImagesPerSecond);

    private const double Within = 0.05;

    /// <summary>Runs the mode; returns the exit code.</summary>
    public static int Run(CliArgs args)
    {
        int images = args.Int("images", 1000);
        var stepCounts = IntList(args.String("steps") ?? "5,8,10,15,20,25,50", "steps");
        var samplers = (args.String("samplers") ?? "ddim,dpm++2m,unipc").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        int threads = args.Int("threads", 2);
        int batch = args.Int("batch", 64);
        int seed = args.Int("seed", 1);
        double guidance = args.Double("guidance", double.NaN);
        string modelDir = args.String("model") ?? RepoPaths.ModelDirectory;
        string featuresDir = args.String("features") ?? RepoPaths.FeaturesDirectory;
        string dataDir = args.String("data") ?? RepoPaths.DataDirectory;
        string outDir = args.String("out") ?? Path.Combine(RepoPaths.RepoRoot, "runs", "quality");
        args.RejectUnknown();
        if (batch < 1 || threads < 1 || seed < 0)
            throw new ArgumentException("--batch and --threads must be ≥ 1, --seed ≥ 0");
        if (samplers.Length == 0)
            throw new ArgumentException("--samplers: expected a comma-separated list such as ddim,dpm++2m");
        foreach (var s in samplers)
            if (!Sampling.Samplers.Names.Contains(s))
                throw new ArgumentException($"--samplers {s}: expected names from {string.Join(", ", Sampling.Samplers.Names)}");

        using var extractor = FeatureExtractors.Open(featuresDir);
        var classNames = extractor.ClassNames
                         ?? throw new ArgumentException($"--features {featuresDir}: label fidelity needs a feature model with class logits");
        if (images < classNames.Count || images % classNames.Count != 0)
            throw new ArgumentException($"--images {images}: expected a positive multiple of the {classNames.Count} classes");
        int perClass = images / classNames.Count;
        var real = DatasetLoader.Load(dataDir, "test", extractor.InputChannels ?? 1, classNames);
        var reference = new RealReference(extractor, real);
        // P/R/D/C are not reported; one equal-size draw keeps their O(N²) radii off the whole test set.
        var draws = ReferenceDraws.Create(reference, perClass, 1, 0);
        Console.WriteLine($"quality: {images} images ({perClass} per class), seed {seed}, steps {string.Join(",", stepCounts)}, " +
                          $"samplers {string.Join(",", samplers)}; reference {real.Count} real test images, features {featuresDir}");

        var rows = new List<Row>();
        var warnings = new SortedSet<string>(StringComparer.Ordinal);
        string? described = null;
        foreach (var name in samplers)
        {
            var settings = new PipelineSettings
            {
                ModelDirectory = modelDir,
                Device = DeviceKind.Cpu,
                Sampler = name,
                Steps = stepCounts.Max(),
                Guidance = double.IsNaN(guidance) ? null : guidance,
                Seed = (ulong)seed,
                BatchSize = batch,
                IntraOpThreads = threads,
            };
            using var pipeline = DiffusionPipeline.Open(settings);
            if (!pipeline.Manifest.ClassNames.SequenceEqual(classNames))
                throw new ArgumentException($"--model {modelDir}: its class names differ from the feature model's, so label fidelity would compare the wrong labels");
            described ??= $"guidance {pipeline.Settings.Guidance}, {pipeline.Denoiser.Provider} ×{pipeline.Denoiser.SessionCount} sessions, batch {batch}";
            // generate --per-class numbers class c's i-th image c·perClass + i: the same ids, so the same noise.
            var items = Enumerable.Range(0, images).Select(i => new SynthesisItem(i, i / perClass)).ToArray();
            WarmUp(pipeline, items.Take(batch).ToArray(), (ulong)seed);
            foreach (int n in stepCounts)
            {
                var (set, seconds) = Generate(pipeline, items, n, (ulong)seed, classNames);
                var m = SyntheticSetMetrics.Compute(extractor, reference, set, draws: draws);
                warnings.UnionWith(m.Warnings);
                var row = new Row(name, n, n, m.Fd, m.LabelFidelity ?? double.NaN, images / seconds);
                rows.Add(row);
                Console.WriteLine(Invariant($"  {name} N={n}: FD {row.Fd:0.00}, label fidelity {row.LabelFidelity:0.000}, {row.ImagesPerSecond:0.00} images/s ({seconds:0.0} s)"));
            }
        }

        Directory.CreateDirectory(outDir);
        Console.WriteLine();
        Console.WriteLine($"{images} images per row, {described}; NFE = model calls per image (a guided call evaluates the U-Net on 2 rows)");
        foreach (var line in Table(rows))
            Console.WriteLine(line);
        string csv = Path.Combine(outDir, "quality.csv");
        File.WriteAllLines(csv, Csv(rows));
        var verdict = Verdict(rows);
        string png = Path.Combine(outDir, "quality.png");
        QualityPlot.Write(png, rows, verdict.Threshold, images);
        Console.WriteLine();
        foreach (var line in verdict.Lines)
            Console.WriteLine(line);
        foreach (var w in warnings)
            Console.WriteLine("warning: " + w);
        Console.WriteLine($"wrote {csv} and {png}");
        return 0;
    }

    /// <summary>One batch through one step, so that JIT and ONNX Runtime's first-run costs stay out of the timed runs.</summary>
    private static void WarmUp(DiffusionPipeline pipeline, SynthesisItem[] items, ulong seed) =>
        pipeline.Synthesizer.Run(items, pipeline.Sampler.Timesteps(pipeline.Schedule, 1), 1.0, null, seed, 0, (_, _) => { });

    private static (LabeledImages Set, double Seconds) Generate(DiffusionPipeline pipeline, SynthesisItem[] items, int steps, ulong seed,
        IReadOnlyList<string> classNames)
    {
        int s = pipeline.Denoiser.SampleSize;
        var pixels = new byte[items.Length * s];
        var labels = new int[items.Length];
        int row = 0;
        var timesteps = pipeline.Sampler.Timesteps(pipeline.Schedule, steps);
        var sw = Stopwatch.StartNew();
        // Items arrive in order, so the row counter is the item's position in the set.
        pipeline.Synthesizer.Run(items, timesteps, 1.0, null, seed, 0, (item, image) =>
        {
            var dst = pixels.AsSpan(row * s, s);
            for (int i = 0; i < s; i++)
                dst[i] = LabeledImages.ToByte(image[i]);
            labels[row++] = item.Label;
        });
        double seconds = sw.Elapsed.TotalSeconds;
        var m = pipeline.Manifest;
        return (new LabeledImages(pixels, labels, m.Channels, m.ImageSize, m.ImageSize, classNames, $"{pipeline.Sampler.Name}-{steps}"), seconds);
    }

    /// <summary>The baseline (DDIM at its largest N), the FD bound 5 % above it, and per sampler the smallest N within it.</summary>
    internal static (double Threshold, IReadOnlyList<string> Lines) Verdict(IReadOnlyList<Row> rows)
    {
        var ddim = rows.Where(r => r.Sampler == "ddim").OrderBy(r => r.Steps).ToList();
        if (ddim.Count == 0)
            return (double.NaN, ["no DDIM rows: nothing to compare against (add ddim to --samplers)"]);
        var baseline = ddim[^1];
        double threshold = baseline.Fd * (1 + Within);
        var lines = new List<string>
        {
            Invariant($"baseline DDIM-{baseline.Steps}: FD {baseline.Fd:0.00}; within 5 %: FD ≤ {threshold:0.00}") +
            (baseline.Steps == 50 ? "" : " (DDIM-50 was not run; the largest DDIM N stands in)"),
        };
        foreach (var sampler in rows.Select(r => r.Sampler).Distinct())
        {
            var first = rows.Where(r => r.Sampler == sampler && r.Fd <= threshold).OrderBy(r => r.Steps).FirstOrDefault();
            lines.Add(first is null
                ? $"{sampler}: no N run reaches it"
                : Invariant($"{sampler}: smallest N = {first.Steps} (FD {first.Fd:0.00}, label fidelity {first.LabelFidelity:0.000}), {first.ImagesPerSecond:0.00} images/s"));
        }
        return (threshold, lines);
    }

    private static IEnumerable<string> Table(IReadOnlyList<Row> rows)
    {
        yield return "| sampler | N | NFE | FD | label fidelity | images/s |";
        yield return "|---|---:|---:|---:|---:|---:|";
        foreach (var r in rows)
            yield return Invariant($"| {r.Sampler} | {r.Steps} | {r.Nfe} | {r.Fd:0.00} | {r.LabelFidelity:0.000} | {r.ImagesPerSecond:0.00} |");
    }

    private static IEnumerable<string> Csv(IReadOnlyList<Row> rows)
    {
        yield return "sampler,steps,nfe,fd,label_fidelity,images_per_s";
        foreach (var r in rows)
            yield return Invariant($"{r.Sampler},{r.Steps},{r.Nfe},{r.Fd:R},{r.LabelFidelity:R},{r.ImagesPerSecond:R}");
    }

    private static int[] IntList(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] < 1)
                throw new ArgumentException($"--{option} {text}: expected a comma-separated list of step counts ≥ 1");
        if (values.Length == 0)
            throw new ArgumentException($"--{option}: expected at least one step count");
        return values.Distinct().Order().ToArray();
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
