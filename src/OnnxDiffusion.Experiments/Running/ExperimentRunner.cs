using System.Diagnostics;
using OnnxDiffusion.Classification;
using OnnxDiffusion.Data;
using OnnxDiffusion.Experiments.Plan;
using OnnxDiffusion.Experiments.Results;
using OnnxDiffusion.Imaging;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Metrics;
using OnnxDiffusion.Pipelines;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Experiments.Running;

/// <summary>Where the experiment's inputs are and where its outputs go.</summary>
public sealed record RunnerSettings
{
    /// <summary>Diffusion model folder.</summary>
    public required string ModelDirectory { get; init; }

    /// <summary>Real dataset folder (IDX or ImageFolder with train/test).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Feature model folder (metrics and label fidelity).</summary>
    public required string FeaturesDirectory { get; init; }

    /// <summary>Output folder.</summary>
    public required string OutDirectory { get; init; }

    /// <summary>Device for ONNX Runtime and the kernels.</summary>
    public DeviceKind Device { get; init; } = DeviceKind.Auto;

    /// <summary>
    /// Classifier jobs trained at the same time (0 = one per core). Each trainer stays single-threaded, so results do
    /// not depend on this number; the jobs are independent, so on n cores they finish up to n times sooner.
    /// </summary>
    public int ClassifierJobs { get; init; }
}

/// <summary>Receives progress: the stage's name, units done and units in the stage.</summary>
public delegate void StageProgress(string stage, int done, int total);

/// <summary>
/// The paper's protocol as stages: real subset → one reconstruction per strength (resumable dataset folders)
/// → classifiers (kinds × seeds) on real, synthetic(s) and real+synthetic(s), scored on the real test set →
/// distribution metrics per strength → report. Classifier and metric results are cached by content hash under
/// <c>out/cache</c>, synthetic sets live in <c>out/synthetic/&lt;strength&gt;-&lt;recipe hash&gt;</c>: a rerun only does what
/// is missing or changed.
/// </summary>
public sealed class ExperimentRunner(ExperimentPlan plan, RunnerSettings settings)
{
    private readonly Dictionary<string, double> _timings = new();

    /// <summary>Runs every stage and returns the results (the caller writes the report).</summary>
    public (ExperimentResults Results, string GridPath) Run(StageProgress? progress = null, CancellationToken ct = default)
    {
        plan.Validate();
        if (settings.ClassifierJobs < 0)
            throw new ConfigException($"classifier jobs {settings.ClassifierJobs}: expected 0 (one per core) or a positive count");
        foreach (var kind in plan.Classifiers)
            if (!ClassifierKinds.Names.Contains(kind, StringComparer.OrdinalIgnoreCase))
                throw new ConfigException($"classifier '{kind}': expected one of {string.Join(", ", ClassifierKinds.Names)}");
        var cache = new StageCache(Path.Combine(settings.OutDirectory, "cache"));

        using var pipeline = DiffusionPipeline.Open(new PipelineSettings
        {
            ModelDirectory = settings.ModelDirectory, Device = settings.Device, Sampler = plan.Sampler, Steps = plan.Steps,
            Eta = plan.Eta, Guidance = plan.Guidance, Seed = plan.Seed, BatchSize = plan.Batch,
        });
        var m = pipeline.Manifest;
        var classes = m.ClassNames;

        // 1. Real data: the class-balanced training subset and the (optionally limited, balanced) test set.
        var sw = Stopwatch.StartNew();
        var train = DatasetLoader.Load(settings.DataDirectory, "train", m.Channels, classes);
        var test = DatasetLoader.Load(settings.DataDirectory, "test", m.Channels, classes);
        var subset = ClassBalancedSubset.Select(train, plan.PerClass, plan.Seed);
        var realTrain = Pick(train, subset, "real");
        if (plan.TestLimit is int limit && limit < test.Count)
            test = Pick(test, ClassBalancedSubset.Select(test, Math.Max(1, limit / classes.Count), plan.Seed + 1), "test");
        string realId = StageCache.Hash(new { data = Path.GetFileName(Path.GetFullPath(settings.DataDirectory).TrimEnd('/')), train.Count, subset });
        string testId = StageCache.Hash(new { test.Count, test.Labels, px = StageCache.Hash(test.Pixels) });
        _timings["load"] = sw.Elapsed.TotalSeconds;

        // 2. One synthetic set per strength, each image reconstructed from its own real twin with its label.
        sw.Restart();
        var items = subset.Select((src, i) => new SynthesisItem(i, train.Labels[src], src)).ToList();
        var source = new SourceSpec { Dataset = Path.GetFileName(Path.GetFullPath(settings.DataDirectory).TrimEnd('/')), Split = "train", SplitSize = train.Count };
        var synthetic = new List<(double Strength, string Dir, string Id, SyntheticRunConfig Recipe)>();
        foreach (var s in plan.Strengths)
        {
            ct.ThrowIfCancellationRequested();
            var recipe = SynthesisRun.Recipe(pipeline, "reconstruct", plan.PerClass, items.Count, s, source, ShardSpec.All);
            string id = StageCache.Hash(recipe);
            string dir = Path.Combine(settings.OutDirectory, "synthetic", $"s{s.ToString("0.0##", System.Globalization.CultureInfo.InvariantCulture)}-{id[..8]}");
            SynthesisRun.Execute(pipeline, recipe, items, train, dir, ShardSpec.All,
                (done, total) => progress?.Invoke($"reconstruct s={s}", done, total), ct);
            synthetic.Add((s, dir, id, recipe));
        }
        _timings["reconstruct"] = sw.Elapsed.TotalSeconds;
        var synthSets = synthetic.ToDictionary(x => x.Strength, x => ImageFolderDataset.Load(x.Dir, m.Channels, classes));

        // 3. Classifiers: every kind × seed on real, synthetic(s), real+synthetic(s).
        sw.Restart();
        var jobs = new List<(string TrainSet, double? Strength, string Kind, int Seed, LabeledImages[] Sets, string[] Ids)>();
        foreach (var kind in plan.Classifiers)
            for (int seed = 0; seed < plan.Seeds; seed++)
            {
                jobs.Add((TrainSets.Real, null, kind, seed, [realTrain], [realId]));
                foreach (var (s, _, id, _) in synthetic)
                {
                    jobs.Add((TrainSets.Synthetic, s, kind, seed, [synthSets[s]], [id]));
                    jobs.Add((TrainSets.RealPlusSynthetic, s, kind, seed, [realTrain, synthSets[s]], [realId, id]));
                }
            }
        var rowSlots = new ResultRow[jobs.Count];
        int finished = 0;
        var progressLock = new object();
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = settings.ClassifierJobs > 0 ? settings.ClassifierJobs : Environment.ProcessorCount,
            CancellationToken = ct,
        };
        // Every job has its own ML.NET context, every worker its own view of the test images; each result goes to its
        // job's slot, so the rows come out in the plan's order whatever order the jobs finish in.
        try
        {
            Parallel.For(0, jobs.Count, parallel, () => ImageSet.FromMemory(test), (i, _, testSet) =>
            {
                var job = jobs[i];
                var options = new ClassifierOptions { Kind = job.Kind, Seed = job.Seed };
                rowSlots[i] = cache.GetOrCompute("classify", new { job.Ids, options, testId }, () =>
                {
                    var clf = ImageClassifier.Train(job.Sets.Select(ImageSet.FromMemory).ToArray(), options);
                    var ev = clf.Evaluate(testSet);
                    return new ResultRow
                    {
                        TrainSet = job.TrainSet, Strength = job.Strength, Classifier = job.Kind, Seed = job.Seed,
                        Accuracy = ev.Metrics.Accuracy, MacroF1 = ev.Metrics.MacroF1, TrainCount = ev.TrainingCount,
                    };
                });
                lock (progressLock)
                    progress?.Invoke("classifiers", ++finished, jobs.Count);
                return testSet;
            }, _ => { });
        }
        catch (AggregateException ex)
        {
            // The first failure as itself, so the CLI still reports it as one line.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.Flatten().InnerExceptions[0]);
        }
        var rows = rowSlots.ToList();
        _timings["classify"] = sw.Elapsed.TotalSeconds;

        // 4. Distribution metrics per strength against the real test set.
        sw.Restart();
        var metrics = new List<StrengthMetrics>();
        if (plan.Metrics)
        {
            using var extractor = FeatureExtractors.Open(settings.FeaturesDirectory);
            string featuresId = StageCache.Hash(new
            {
                extractor.Description,
                sha = extractor is FeatureExtractor f ? StageCache.Hash(File.ReadAllBytes(Path.Combine(settings.FeaturesDirectory, f.Manifest.Onnx))) : "",
            });
            RealReference? reference = null;
            int done = 0;
            foreach (var (s, _, id, recipe) in synthetic)
            {
                var fake = synthSets[s];
                var sourceIndex = fake.Files!.Select(f => subset[int.Parse(Path.GetFileNameWithoutExtension(f), System.Globalization.CultureInfo.InvariantCulture)]).ToArray();
                var value = cache.GetOrCompute("metrics", new { id, testId, featuresId, plan.K }, () =>
                {
                    reference ??= new RealReference(extractor, test, plan.K);
                    return SyntheticSetMetrics.Compute(extractor, reference, fake, sourceIndex, train);
                });
                metrics.Add(new StrengthMetrics { Strength = s, StartTimestep = recipe.StartTimestep, Metrics = value });
                progress?.Invoke("metrics", ++done, synthetic.Count);
            }
        }
        _timings["metrics"] = sw.Elapsed.TotalSeconds;

        // 5. One grid: the same source image of every class across all strengths.
        string grid = WriteStrengthGrid(realTrain, synthetic.Select(x => (x.Strength, x.Dir)).ToList(), m.Channels, m.ImageSize, classes);

        var results = new ExperimentResults
        {
            Profile = plan.Profile,
            Strengths = plan.Strengths,
            Rows = rows,
            Metrics = metrics,
            Timings = new Dictionary<string, double>(_timings),
            Setup = new ExperimentSetup
            {
                Model = Path.GetFileName(Path.GetFullPath(settings.ModelDirectory).TrimEnd('/')),
                ModelSha256 = pipeline.ModelSha256,
                Dataset = source.Dataset,
                PerClass = plan.PerClass,
                Classes = classes.Count,
                TestCount = test.Count,
                Sampler = pipeline.Sampler.Name,
                Steps = pipeline.Timesteps.Length,
                Guidance = pipeline.Settings.Guidance ?? 1,
                Classifiers = plan.Classifiers,
                Seeds = Enumerable.Range(0, plan.Seeds).ToArray(),
                Device = pipeline.Describe(),
                Machine = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
            },
        };
        return (results, grid);
    }

    private static LabeledImages Pick(LabeledImages all, int[] indices, string name)
    {
        var px = new byte[indices.Length * all.ImageSize];
        for (int i = 0; i < indices.Length; i++)
            all.Image(indices[i]).CopyTo(px.AsSpan(i * all.ImageSize));
        return new LabeledImages(px, indices.Select(i => all.Labels[i]).ToArray(), all.Channels, all.Height, all.Width, all.ClassNames, $"{all.Source} ({name})");
    }

    private string WriteStrengthGrid(LabeledImages real, List<(double Strength, string Dir)> sets, int channels, int size, IReadOnlyList<string> classes)
    {
        var cells = new List<byte[]>();
        int plane = size * size;
        for (int c = 0; c < classes.Count; c++)
        {
            int id = Array.IndexOf(real.Labels, c);
            if (id < 0)
                continue;
            cells.Add(ImageGrid.Interleave(real.Image(id).ToArray(), channels, plane));
            foreach (var (_, dir) in sets)
            {
                string file = Path.Combine(dir, ImageFolderWriter.FolderName(classes[c]), id.ToString("D6", System.Globalization.CultureInfo.InvariantCulture) + ".png");
                var (px, _, _) = ImageFolderDataset.Decode(file, channels);
                cells.Add(ImageGrid.Interleave(px, channels, plane));
            }
        }
        var (grid, w, h) = ImageGrid.Tile(cells, size, size, channels, sets.Count + 1, scale: 2);
        string path = Path.Combine(settings.OutDirectory, "grid.png");
        AtomicFile.WriteAllBytes(path, PngEncoder.Encode(grid, w, h, channels));
        return path;
    }
}
