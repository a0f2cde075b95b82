using OnnxDiffusion.Classification;
using OnnxDiffusion.Experiments.Plan;
using OnnxDiffusion.Experiments.Results;
using OnnxDiffusion.Experiments.Stages;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Metrics;
using OnnxDiffusion.Models;
using OnnxDiffusion.Pipelines;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Experiments.Running;

/// <summary>Where the experiment's inputs are and where its outputs go.</summary>
public sealed record RunnerSettings
{
    /// <summary>Diffusion model folder.</summary>
    public required string ModelDirectory { get; init; }

    /// <summary>Real dataset folder (IDX or ImageFolder with train/test).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Feature model folder, <c>resnet18</c> or <c>auto</c> (metrics and label fidelity).</summary>
    public required string FeaturesDirectory { get; init; }

    /// <summary>The feature model <c>auto</c> uses when it takes the data's images (else ResNet18); null = ResNet18.</summary>
    public string? PreferredFeatures { get; init; }

    /// <summary>Resize real images of another size to the model's, instead of refusing them.</summary>
    public bool Resize { get; init; }

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

/// <summary>
/// The paper's protocol, as stages (<see cref="Stages"/>): real data (one class-balanced subset per replicate) →
/// per replicate: synthesis (a reconstruction per strength and a generated set, resumable folders under
/// <c>out/synthetic/r&lt;r&gt;/</c>) → classification (every kind on real, synthetic(s), generated, real+synthetic(s),
/// real+generated, scored on the real test set) → metrics (every set and the real subset against the real test set)
/// → one sample grid. Classifier and metric results are cached by content hash under <c>out/cache</c>: a rerun only
/// does what is missing or changed. Replicates run one after another, so memory holds one replicate's sets at a time.
/// </summary>
public sealed class ExperimentRunner(ExperimentPlan plan, RunnerSettings settings)
{
    /// <summary>Checks everything that can be checked before any stage runs.</summary>
    /// <exception cref="ConfigException">The first bad value, named.</exception>
    public void Validate()
    {
        plan.Validate();
        if (settings.ClassifierJobs < 0)
            throw new ConfigException($"classifier jobs {settings.ClassifierJobs}: expected 0 (one per core) or a positive count");
        foreach (var kind in plan.Classifiers)
            if (!ClassifierKinds.Names.Contains(kind, StringComparer.OrdinalIgnoreCase))
                throw new ConfigException($"classifier '{kind}': expected one of {string.Join(", ", ClassifierKinds.Names)}");
    }

    /// <summary>Runs every stage and returns the results and the grid's path (the caller writes the report).</summary>
    public (ExperimentResults Results, string GridPath) Run(StageProgress? progress = null, CancellationToken ct = default)
    {
        var (context, pipeline, real) = Open(progress, ct);
        using var _ = pipeline;
        var m = pipeline.Manifest;
        var notes = new List<string>(pipeline.Model.Scheduler.Warnings);
        if (Samplers.Get(pipeline.Sampler.Name).UnreadKeys(pipeline.Model.Scheduler) is { Count: > 0 } unused)
            notes.Add($"{pipeline.Model.Scheduler.ClassName} keys the {pipeline.Sampler.Name} sampler does not use: {string.Join(", ", unused)}");
        if (real.Train.Resized is { } resized)
            notes.Add($"real images {resized}");
        bool generated = WithGenerated(m);
        if (pipeline.LatentDescription is not null)
        {
            if (pipeline.PromptsFor(real.Train.ClassNames) is { Count: > 0 } prompts)
                notes.Add("prompts: " + string.Join("; ", prompts.Select(pr => $"\"{pr}\"")));
            notes.Add(plan.Strengths.Contains(0)
                ? "strength 0 is the VAE round trip decode(encode(x)), not the real image itself: its rows separate the VAE's loss from the diffusion's"
                : "no strength 0 in the plan, so there is no VAE round-trip row: add 0 to strengths to separate the VAE's loss from the diffusion's");
        }
        if (plan.Generated && !generated)
            notes.Add("no generated set: the model is unconditional, so samples from noise have no class labels (reconstructions keep their source's label)");

        var (opened, chosen) = plan.Metrics
            ? FeatureExtractors.Open(settings.FeaturesDirectory, settings.PreferredFeatures, m.Channels, m.ImageSize)
            : (null, null);
        using var extractor = opened;
        if (chosen is not null)
            notes.Add(chosen);
        var metricsStage = extractor is null ? null : new MetricsStage(extractor,
            new MetricsSettings(real.Test, real.TestId, real.Train, plan.K, plan.Draws, plan.PerClass, plan.Seed, plan.CopyCheck));
        var synthesis = new SynthesisStage(pipeline);
        int parallelism = settings.ClassifierJobs > 0 ? settings.ClassifierJobs : Environment.ProcessorCount;

        var rows = new List<ResultRow>();
        var metrics = new List<SetMetricsRow>();
        string grid = "";
        foreach (var subset in real.Subsets)
        {
            var sets = synthesis.Run(new SynthesisInput(real, subset, plan.Strengths, generated, plan.PerClass, settings.OutDirectory), context);
            var loaded = sets.Select(s => (Ref: s, Data: SyntheticSet.Load(s.Directory))).ToList();
            rows.AddRange(ClassificationStage.Run(
                new ClassificationInput(Jobs(subset, loaded.Select(x => (x.Ref, x.Data.Images)).ToList()), real.Test, real.TestId, parallelism,
                    new ClassifierOptions { Cnn = plan.Cnn }), context));
            if (metricsStage is not null)
            {
                var jobs = new List<MetricsJob> { new(subset.Replicate.Index, MetricSets.Real, null, null, subset.Id, subset.Images, null, subset.Indices) };
                jobs.AddRange(loaded.Select(x => new MetricsJob(x.Ref.Replicate, x.Ref.Set, x.Ref.Strength, x.Ref.StartTimestep, x.Ref.Id,
                    x.Data.Images, x.Data.SourceIndices)));
                metrics.AddRange(metricsStage.Run(jobs, context));
            }
            if (subset.Replicate.Index == 0)
                grid = GridStage.Run(new GridInput(subset, sets, Path.Combine(settings.OutDirectory, "grid.png")), context);
        }

        var results = new ExperimentResults
        {
            Profile = plan.Profile,
            Strengths = plan.Strengths,
            Rows = rows,
            Metrics = metrics,
            Timings = context.Timings,
            Setup = new ExperimentSetup
            {
                Model = pipeline.Model.Name,
                ModelDescription = pipeline.Model.Layout == ModelLayout.OnnxDiffusion ? "" : pipeline.Model.ManifestSource,
                Latent = pipeline.LatentDescription,
                Schedule = pipeline.Model.Scheduler.Describe(),
                Notes = notes,
                ModelSha256 = pipeline.ModelSha256,
                Dataset = real.Source.Dataset,
                PerClass = plan.PerClass,
                Classes = real.Train.ClassNames.Count,
                TestCount = real.Test.Count,
                Sampler = pipeline.Sampler.Name,
                Steps = pipeline.Timesteps.Count,
                Guidance = pipeline.Settings.Guidance ?? 1,
                Classifiers = plan.Classifiers,
                Replicates = plan.Replicates,
                Draws = plan.Metrics ? plan.Draws : 0,
                Generated = generated,
                Seed = plan.Seed,
                Features = extractor?.Description ?? "",
                Device = pipeline.Describe(),
                Machine = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
            },
        };
        return (results, grid);
    }

    /// <summary>
    /// A cluster array task's share of the run: makes only the synthetic sets <paramref name="shard"/> owns (set k of
    /// replicate r is unit r·(sets per replicate) + k) into the run's folder, and stops. A run without a shard on the same
    /// folder then finds them finished and does classification, metrics and the report, as it would after a local crash.
    /// </summary>
    /// <returns>The sets this shard owns and the run's total.</returns>
    public (int Owned, int Total) Synthesize(ShardSpec shard, StageProgress? progress = null, CancellationToken ct = default)
    {
        var (context, pipeline, real) = Open(progress, ct);
        using var _ = pipeline;
        bool generated = WithGenerated(pipeline.Manifest);
        var synthesis = new SynthesisStage(pipeline);
        int owned = 0;
        foreach (var subset in real.Subsets)
            owned += synthesis.Run(new SynthesisInput(real, subset, plan.Strengths, generated, plan.PerClass, settings.OutDirectory, shard), context).Count;
        return (owned, plan.Replicates * SynthesisStage.SetsPerReplicate(plan.Strengths.Count, generated));
    }

    private (StageContext Context, DiffusionPipeline Pipeline, RealData Real) Open(StageProgress? progress, CancellationToken ct)
    {
        Validate();
        var context = new StageContext(new StageCache(Path.Combine(settings.OutDirectory, "cache")), progress, ct);
        var pipeline = DiffusionPipeline.Open(new PipelineSettings
        {
            ModelDirectory = settings.ModelDirectory, Device = settings.Device, Sampler = plan.Sampler, Steps = plan.Steps,
            Eta = plan.Eta, Guidance = plan.Guidance, Seed = plan.Seed, BatchSize = plan.Batch, Prompt = plan.Prompt,
        });
        try
        {
            if (!pipeline.CanReconstruct)
                throw new ConfigException(
                    $"reproduce: {settings.ModelDirectory} has no vae_encoder/model.onnx: the experiment reconstructs real images, which needs encoding them into latents (generate works)");
            var real = RealDataStage.Run(new RealDataInput(settings.DataDirectory, pipeline.Manifest, pipeline.Model.Path, settings.Resize,
                plan.PerClass, Replicate.All(plan.Seed, plan.Replicates), plan.Seed, plan.TestLimit), context);
            // The last plan value that needs the data: refused here, before synthesis and classification spend their time,
            // not by the metrics stage after them. Each synthetic set holds per_class per class, the reference the test split.
            long smallest = Math.Min((long)plan.PerClass * real.Train.ClassNames.Count, real.Test.Count);
            if (plan.Metrics && plan.K >= smallest)
                throw new ConfigException($"plan: k = {plan.K}: expected k < {smallest} (the smallest set the metrics compare: per_class × {real.Train.ClassNames.Count} classes, or the {real.Test.Count} test images)");
            return (context, pipeline, real);
        }
        catch
        {
            pipeline.Dispose();
            throw;
        }
    }

    // An unconditional model's samples carry no class, so there is no labelled generated set to train on.
    private bool WithGenerated(ModelManifest m) => plan.Generated && m.TakesClasses;

    // Per replicate: real; each synthetic(s); generated; real+synthetic(s); real+generated — for every kind, seed r.
    private List<TrainingJob> Jobs(RealSubset subset, IReadOnlyList<(SyntheticSetRef Ref, Data.LabeledImages Images)> sets)
    {
        var rep = subset.Replicate;
        var realPart = new TrainingPart(subset.Id, subset.Images);
        var jobs = new List<TrainingJob>();
        foreach (var kind in plan.Classifiers)
        {
            jobs.Add(new TrainingJob(rep.Index, TrainSets.Real, null, kind, rep.TrainerSeed, [realPart]));
            foreach (var (set, images) in sets)
            {
                var part = new TrainingPart(set.Id, images);
                bool generated = set.Set == MetricSets.Generated;
                jobs.Add(new TrainingJob(rep.Index, generated ? TrainSets.Generated : TrainSets.Synthetic, set.Strength, kind, rep.TrainerSeed, [part]));
                jobs.Add(new TrainingJob(rep.Index, generated ? TrainSets.RealPlusGenerated : TrainSets.RealPlusSynthetic, set.Strength, kind,
                    rep.TrainerSeed, [realPart, part]));
            }
        }
        return jobs;
    }
}
