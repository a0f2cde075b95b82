using OnnxDiffusion.Experiments.Reporting;
using OnnxDiffusion.Experiments.Results;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Experiments.Tests.Reporting;

public class PerClassSummaryTests
{
    private static SetMetricsRow Row(int replicate, double strength, params double[] coverage) => new()
    {
        Replicate = replicate, Set = MetricSets.Synthetic, Strength = strength,
        Metrics = new SyntheticSetMetrics
        {
            PerClass = coverage.Select((c, i) => new ClassPrdc { Class = i, Name = $"c{i}", Precision = 1, Recall = 1, Density = 1, Coverage = c, N = 10 }).ToList(),
        },
    };

    [Fact]
    public void Names_the_classes_whose_mean_coverage_falls_most_between_the_lowest_and_highest_strength_above_zero()
    {
        var r = new ExperimentResults
        {
            Metrics =
            [
                // strength 0 is left out of the trend; replicates are averaged before the drop is taken.
                Row(0, 0, 0.1, 0.1, 0.1, 0.1), Row(0, 0.2, 0.9, 0.9, 0.9, 0.9), Row(1, 0.2, 0.9, 0.9, 0.9, 0.7),
                Row(0, 0.5, 0.8, 0.8, 0.8, 0.8), Row(0, 0.8, 0.85, 0.5, 0.7, 0.2), Row(1, 0.8, 0.85, 0.5, 0.7, 0.4),
            ],
        };
        string? line = PerClassSummary.CoverageDrops(r, top: 2);
        Assert.Equal("per-class coverage (each class's reconstructions against the same class's real draws), s = 0.2 → 0.8, " +
                     "falls most for c3 (0.800 → 0.300) and c1 (0.900 → 0.500)", line);
        Assert.Null(PerClassSummary.CoverageDrops(new ExperimentResults { Metrics = [Row(0, 0.2, 0.9), Row(0, 0, 0.5)] }));
    }
}
