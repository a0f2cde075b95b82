using System.Diagnostics;
using OnnxDiffusion.Classification;
using OnnxDiffusion.Data;
using OnnxDiffusion.Experiments.Results;

namespace OnnxDiffusion.Experiments.Stages;

/// <summary>One part of a training set: a named image set and its content key.</summary>
/// <param name="Id">Content key (a real subset's or a synthetic set's id).</param>
/// <param name="Images">The images.</param>
public sealed record TrainingPart(string Id, LabeledImages Images);

/// <summary>One classifier to train and score.</summary>
/// <param name="Replicate">Replicate index.</param>
/// <param name="TrainSet">One of <see cref="TrainSets"/>.</param>
/// <param name="Strength">Strength of the synthetic part, or null.</param>
/// <param name="Classifier">Classifier kind.</param>
/// <param name="Seed">Trainer seed.</param>
/// <param name="Parts">The training set's parts (one or two).</param>
public sealed record TrainingJob(int Replicate, string TrainSet, double? Strength, string Classifier, int Seed, IReadOnlyList<TrainingPart> Parts);

/// <summary>What the classification stage needs.</summary>
/// <param name="Jobs">The classifiers, in the order their rows should come out.</param>
/// <param name="Test">The real test set.</param>
/// <param name="TestId">Its content key.</param>
/// <param name="Parallelism">Jobs trained at the same time (≥ 1).</param>
/// <param name="Options">Every job's classifier options except its kind and seed (null = the defaults).</param>
public sealed record ClassificationInput(IReadOnlyList<TrainingJob> Jobs, LabeledImages Test, string TestId, int Parallelism, ClassifierOptions? Options = null);

/// <summary>
/// Stage 3: trains every job's classifier and scores it on the real test set. Every trainer is single-threaded and has its
/// own ML.NET context, so jobs run side by side and the rows do not depend on how many; each result is cached under its
/// training parts, options and test set.
/// </summary>
public static class ClassificationStage
{
    /// <summary>Stage name in timings and progress.</summary>
    public const string Name = "classification";

    /// <summary>The classifiers' rows in job order.</summary>
    public static IReadOnlyList<ResultRow> Run(ClassificationInput input, StageContext context)
    {
        if (input.Parallelism < 1)
            throw new ArgumentOutOfRangeException(nameof(input), input.Parallelism, "parallelism must be ≥ 1");
        var sw = Stopwatch.StartNew();
        var rows = new ResultRow[input.Jobs.Count];
        var seconds = new double[input.Jobs.Count];
        int finished = 0;
        var progressLock = new object();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = input.Parallelism, CancellationToken = context.Cancellation };
        try
        {
            Parallel.For(0, input.Jobs.Count, parallel, () => ImageSet.FromMemory(input.Test), (i, _, testSet) =>
            {
                var job = input.Jobs[i];
                var options = (input.Options ?? new ClassifierOptions()) with { Kind = job.Classifier, Seed = job.Seed };
                var ids = job.Parts.Select(p => p.Id).ToArray();
                var cached = context.Cache.GetOrCompute(Name, new { Ids = ids, options, testId = input.TestId }, () =>
                {
                    var clf = ImageClassifier.Train(job.Parts.Select(p => ImageSet.FromMemory(p.Images)).ToArray(), options);
                    var ev = clf.Evaluate(testSet);
                    return new ResultRow
                    {
                        TrainSet = job.TrainSet, Strength = job.Strength, Classifier = job.Classifier, Seed = job.Seed,
                        Accuracy = ev.Metrics.Accuracy, MacroF1 = ev.Metrics.MacroF1, TrainCount = ev.TrainingCount,
                    };
                });
                // The replicate is not part of the key: identical data and options give the identical classifier.
                rows[i] = cached.Value with { Replicate = job.Replicate, TrainSet = job.TrainSet, Strength = job.Strength };
                seconds[i] = cached.Seconds;
                lock (progressLock)
                    context.Progress?.Invoke(Name, ++finished, input.Jobs.Count);
                return testSet;
            }, _ => { });
        }
        catch (AggregateException ex)
        {
            // The first failure as itself, so the CLI still reports it as one line.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.Flatten().InnerExceptions[0]);
        }
        context.Record(Name, seconds.Sum(), sw.Elapsed.TotalSeconds);
        return rows;
    }
}
