using System.Diagnostics;
using OnnxDiffusion.Data;
using OnnxDiffusion.Experiments.Results;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Experiments.Stages;

/// <summary>One set to measure.</summary>
/// <param name="Replicate">Replicate index.</param>
/// <param name="Set">One of <see cref="MetricSets"/>.</param>
/// <param name="Strength">Reconstruction strength, or null.</param>
/// <param name="StartTimestep">First timestep of the synthesis, or null.</param>
/// <param name="Id">Content key of the set.</param>
/// <param name="Images">The set's images.</param>
/// <param name="SourceIndex">Each image's real source in the training split (reconstructions), or null.</param>
/// <param name="TrainIndex">When the images ARE training images (the real subset): their indices in the training split, left out of their own copy check.</param>
public sealed record MetricsJob(int Replicate, string Set, double? Strength, int? StartTimestep, string Id, LabeledImages Images, int[]? SourceIndex,
    int[]? TrainIndex = null);

/// <summary>How the metrics stage compares.</summary>
/// <param name="Test">The real reference (the test set).</param>
/// <param name="TestId">Its content key.</param>
/// <param name="Train">The training split (sources of the reconstructions, for PSNR; the pool of the copy check).</param>
/// <param name="K">k of the k-NN radii.</param>
/// <param name="Draws">Equal-size draws of the reference per P/R/D/C value.</param>
/// <param name="PerClass">Images per class of every set (and so of every draw).</param>
/// <param name="DrawSeed">Seed of the draws (shared by every set, so sets are compared with the same draws).</param>
/// <param name="CopyCheck">Whether to run the copy check against the whole training split (plan key <c>copy_check</c>).</param>
public sealed record MetricsSettings(LabeledImages Test, string TestId, LabeledImages Train, int K, int Draws, int PerClass, ulong DrawSeed,
    bool CopyCheck = true);

/// <summary>
/// Stage 4: distribution metrics of every set, the replicate's real subset included (the real-vs-real ceiling), against
/// the real test set in the extractor's feature space. P/R/D/C against equal-size class-balanced draws, FD and mode
/// measures against the whole test set; the copy check against the whole training split, whose features are made once per
/// feature model and kept in the cache folder (<see cref="TrainFeatures"/>). The reference's features and draws are made
/// once, on the first set not in the cache, and shared by every replicate.
/// </summary>
public sealed class MetricsStage(IFeatureExtractor extractor, MetricsSettings settings)
{
    /// <summary>Stage name in timings and progress.</summary>
    public const string Name = "metrics";

    // Part of every cache key: bumped when a metric is added or changes, so that cached rows without it are recomputed.
    private const int MetricsVersion = 4;

    private RealReference? _reference;
    private ReferenceDraws? _draws;
    private MemorisationReference? _memorisation;
    private string? _trainId;

    /// <summary>The metrics of every job, in job order.</summary>
    public IReadOnlyList<SetMetricsRow> Run(IReadOnlyList<MetricsJob> jobs, StageContext context)
    {
        var sw = Stopwatch.StartNew();
        double compute = 0;
        var rows = new List<SetMetricsRow>(jobs.Count);
        foreach (var job in jobs)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var key = new
            {
                version = MetricsVersion, job.Id, settings.TestId, features = extractor.Fingerprint, settings.K, settings.Draws, settings.PerClass, settings.DrawSeed,
                sources = job.SourceIndex is null ? null : StageCache.Hash(job.SourceIndex),
                train = settings.CopyCheck ? _trainId ??= TrainFeatures.Id(settings.Train) : null,
                self = job.TrainIndex is null || !settings.CopyCheck ? null : StageCache.Hash(job.TrainIndex),
            };
            var value = context.Cache.GetOrCompute(Name, key, () =>
            {
                _reference ??= new RealReference(extractor, settings.Test, settings.K);
                _draws ??= ReferenceDraws.Create(_reference, settings.PerClass, settings.Draws, settings.DrawSeed);
                if (settings.CopyCheck)
                    _memorisation ??= new MemorisationReference(TrainFeatures.Load(context.Cache.Root, extractor, settings.Train, _trainId!));
                return SyntheticSetMetrics.Compute(extractor, _reference, job.Images, job.SourceIndex, settings.Train, _draws, _memorisation,
                    settings.CopyCheck ? job.TrainIndex : null);
            });
            compute += value.Seconds;
            rows.Add(new SetMetricsRow
            {
                Replicate = job.Replicate, Set = job.Set, Strength = job.Strength, StartTimestep = job.StartTimestep, Metrics = value.Value,
            });
            context.Progress?.Invoke($"{Name} r{job.Replicate}", rows.Count, jobs.Count);
        }
        context.Record(Name, compute, sw.Elapsed.TotalSeconds);
        return rows;
    }
}
