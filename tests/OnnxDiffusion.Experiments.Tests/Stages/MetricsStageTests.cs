using OnnxDiffusion.Experiments.Results;
using OnnxDiffusion.Experiments.Stages;

namespace OnnxDiffusion.Experiments.Tests.Stages;

public class MetricsStageTests
{
    [Fact]
    public void Every_set_is_compared_at_equal_size_and_a_rerun_does_not_extract_features_again()
    {
        var real = StageFixtures.Real(StageFixtures.TinySplits(train: 12, test: 12), perClass: 6, replicates: 2);
        var jobs = real.Subsets.Select(s => new MetricsJob(s.Replicate.Index, MetricSets.Real, null, null, s.Id, s.Images, null)).ToList();
        var settings = new MetricsSettings(real.Test, real.TestId, real.Train, K: 3, Draws: 4, PerClass: 6, DrawSeed: 1);
        string outDir = StageFixtures.NewDir("metrics");
        var features = new PixelFeatures(16);
        var rows = new MetricsStage(features, settings).Run(jobs, StageFixtures.Context(outDir));
        Assert.Equal([0, 1], rows.Select(r => r.Replicate));
        Assert.All(rows, r =>
        {
            Assert.Equal(MetricSets.Real, r.Set);
            Assert.Equal(60, r.Metrics.NReal);       // 6 per class, like the set
            Assert.Equal(60, r.Metrics.NFake);
            Assert.Equal(120, r.Metrics.NReference);  // FD and modes: the whole test set
            Assert.Equal(4, r.Metrics.Draws);
            Assert.NotNull(r.Metrics.PrdcDrawSd);
            Assert.InRange(r.Metrics.Coverage, 0, 1);
        });
        int calls = features.Calls;
        Assert.Equal(3, calls); // the test set once, then each set

        var again = new PixelFeatures(16);
        var cached = new MetricsStage(again, settings).Run(jobs, StageFixtures.Context(outDir));
        Assert.Equal(0, again.Calls);
        Assert.Equal(rows.Select(r => r.Metrics.Coverage), cached.Select(r => r.Metrics.Coverage));
    }
}
