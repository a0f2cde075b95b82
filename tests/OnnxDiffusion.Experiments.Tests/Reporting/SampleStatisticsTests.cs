using OnnxDiffusion.Experiments.Reporting;

namespace OnnxDiffusion.Experiments.Tests.Reporting;

public class SampleStatisticsTests
{
    [Fact]
    public void Spearman_is_rank_based_and_averages_ties()
    {
        Assert.Equal(-1.0, SampleStatistics.Spearman([0.2, 0.4, 0.6], [9, 4, 1]), 12);
        Assert.Equal(1.0, SampleStatistics.Spearman([1, 2, 3, 4], [1, 10, 100, 1000]), 12);
        // ranks of y with a tie: 1, 2.5, 2.5 → ρ = √3/2
        Assert.Equal(Math.Sqrt(3) / 2, SampleStatistics.Spearman([1, 2, 3], [1, 5, 5]), 12);
        Assert.True(double.IsNaN(SampleStatistics.Spearman([1, 2], [3, 3])));
    }
}
