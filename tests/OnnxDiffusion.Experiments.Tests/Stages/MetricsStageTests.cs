using OnnxDiffusion.Experiments.Results;
using OnnxDiffusion.Experiments.Stages;

namespace OnnxDiffusion.Experiments.Tests.Stages;

public class MetricsStageTests
{
    [Fact]
    public void Every_set_is_compared_at_equal_size_and_a_rerun_does_not_extract_features_again()
    {
        var real = StageFixtures.Real(StageFixtures.TinySplits(train: 12, test: 12), perClass: 6, replicates: 2);
        var jobs = real.Subsets.Select(s => new MetricsJob(s.Replicate.Index, MetricSets.Real, null, null, s.Id, s.Images, null, s.Indices)).ToList();
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
            Assert.Equal(real.Train.Count, r.Metrics.CopyPool);
            // Left out of their own test, the real subset's images are not copies of themselves.
            Assert.InRange(r.Metrics.CopyShare!.Value, 0, 0.99);
        });
        int calls = features.Calls;
        Assert.Equal(4, calls); // the test set once, the training split once (copy check), then each set

        var again = new PixelFeatures(16);
        var cached = new MetricsStage(again, settings).Run(jobs, StageFixtures.Context(outDir));
        Assert.Equal(0, again.Calls);
        Assert.Equal(rows.Select(r => r.Metrics.Coverage), cached.Select(r => r.Metrics.Coverage));
    }

    [Fact]
    public void The_training_features_are_kept_per_feature_model_and_copies_of_training_images_read_one()
    {
        var real = StageFixtures.Real(StageFixtures.TinySplits(train: 12, test: 12), perClass: 6, replicates: 1);
        var subset = real.Subsets[0];
        var settings = new MetricsSettings(real.Test, real.TestId, real.Train, K: 3, Draws: 2, PerClass: 6, DrawSeed: 1);
        string outDir = StageFixtures.NewDir("metrics-train");
        // The subset's images as a synthetic set (strength 0): not left out, each finds itself at distance 0.
        var copies = new MetricsJob(0, MetricSets.Synthetic, 0, null, subset.Id + "-copy", subset.Images, subset.Indices);
        var first = new PixelFeatures(16);
        var rows = new MetricsStage(first, settings).Run([copies], StageFixtures.Context(outDir));
        Assert.Equal(1.0, rows[0].Metrics.CopyShare);
        Assert.Equal(4, first.Calls); // test set, training split, the set, its sources (source identifiability)
        Directory.Delete(Path.Combine(outDir, "cache", MetricsStage.Name), recursive: true);
        var second = new PixelFeatures(16);
        new MetricsStage(second, settings).Run([copies], StageFixtures.Context(outDir));
        Assert.Equal(3, second.Calls); // the training split's features came from the cache folder
    }

    [Fact]
    public void Without_the_copy_check_the_training_split_is_never_embedded()
    {
        var real = StageFixtures.Real(StageFixtures.TinySplits(train: 12, test: 12), perClass: 6, replicates: 1);
        var subset = real.Subsets[0];
        var settings = new MetricsSettings(real.Test, real.TestId, real.Train, K: 3, Draws: 2, PerClass: 6, DrawSeed: 1, CopyCheck: false);
        var copies = new MetricsJob(0, MetricSets.Synthetic, 0, null, subset.Id + "-copy", subset.Images, subset.Indices);
        var features = new PixelFeatures(16);
        var rows = new MetricsStage(features, settings).Run([copies], StageFixtures.Context(StageFixtures.NewDir("metrics-nocopy")));
        Assert.Null(rows[0].Metrics.CopyShare);
        Assert.Equal(3, features.Calls); // test set, the set, its sources: no training split
        Assert.InRange(rows[0].Metrics.Coverage, 0, 1);
    }
}
