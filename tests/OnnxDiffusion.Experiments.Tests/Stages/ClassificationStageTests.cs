using OnnxDiffusion.Experiments.Results;
using OnnxDiffusion.Experiments.Stages;

namespace OnnxDiffusion.Experiments.Tests.Stages;

public class ClassificationStageTests
{
    private static List<TrainingJob> Jobs(RealData real) =>
        real.Subsets.SelectMany(s => new[]
        {
            new TrainingJob(s.Replicate.Index, TrainSets.Real, null, "maxent", s.Replicate.TrainerSeed, [new TrainingPart(s.Id, s.Images)]),
            new TrainingJob(s.Replicate.Index, TrainSets.RealPlusSynthetic, 0, "lightgbm", s.Replicate.TrainerSeed,
                [new TrainingPart(s.Id, s.Images), new TrainingPart(s.Id, s.Images)]),
        }).ToList();

    [Fact]
    public void Rows_come_out_in_job_order_whatever_the_parallelism_and_a_rerun_is_served_from_the_cache()
    {
        var real = StageFixtures.Real(StageFixtures.TinySplits(), perClass: 4, replicates: 2);
        var jobs = Jobs(real);
        string outDir = StageFixtures.NewDir("clf");
        var context = StageFixtures.Context(outDir);
        var rows = ClassificationStage.Run(new ClassificationInput(jobs, real.Test, real.TestId, 1), context);
        Assert.Equal(jobs.Select(j => (j.Replicate, j.TrainSet, j.Classifier)), rows.Select(r => (r.Replicate, r.TrainSet, r.Classifier)));
        Assert.Equal([40, 80, 40, 80], rows.Select(r => r.TrainCount));
        Assert.All(rows, r => Assert.InRange(r.Accuracy, 0, 1));
        // Different real subsets train different classifiers: the replicates are not copies of each other.
        Assert.NotEqual(rows[0].Accuracy + rows[1].Accuracy, rows[2].Accuracy + rows[3].Accuracy);

        var parallel = ClassificationStage.Run(new ClassificationInput(jobs, real.Test, real.TestId, 3), StageFixtures.Context(StageFixtures.NewDir("clf3")));
        Assert.Equal(rows, parallel);

        var again = StageFixtures.Context(outDir);
        Assert.Equal(rows, ClassificationStage.Run(new ClassificationInput(jobs, real.Test, real.TestId, 2), again));
        var t = again.Timings.Single();
        Assert.Equal(context.Timings.Single().ComputeSeconds, t.ComputeSeconds);
        Assert.True(t.WallSeconds < t.ComputeSeconds, $"{t.WallSeconds} vs {t.ComputeSeconds}");
    }

    [Fact]
    public void Zero_parallelism_is_refused()
    {
        var real = StageFixtures.Real(StageFixtures.TinySplits(), perClass: 2, replicates: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ClassificationStage.Run(new ClassificationInput(Jobs(real), real.Test, real.TestId, 0), StageFixtures.Context(StageFixtures.NewDir("p0"))));
    }
}
