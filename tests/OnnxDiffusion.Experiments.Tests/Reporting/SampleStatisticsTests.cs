using OnnxDiffusion.Experiments.Reporting;

namespace OnnxDiffusion.Experiments.Tests.Reporting;

public class SampleStatisticsTests
{
    [Fact]
    public void Sample_sd_uses_n_minus_one_and_is_undefined_for_one_value()
    {
        Assert.Equal(1.0, SampleStatistics.StandardDeviation([1, 2, 3]), 12);
        Assert.True(double.IsNaN(SampleStatistics.StandardDeviation([0.5])));
    }

    [Fact]
    public void Spearman_is_rank_based_and_averages_ties()
    {
        Assert.Equal(-1.0, SampleStatistics.Spearman([0.2, 0.4, 0.6], [9, 4, 1]), 12);
        Assert.Equal(1.0, SampleStatistics.Spearman([1, 2, 3, 4], [1, 10, 100, 1000]), 12);
        // ranks of y with a tie: 1, 2.5, 2.5 → ρ = √3/2
        Assert.Equal(Math.Sqrt(3) / 2, SampleStatistics.Spearman([1, 2, 3], [1, 5, 5]), 12);
        Assert.True(double.IsNaN(SampleStatistics.Spearman([1, 2], [3, 3])));
    }

    [Fact]
    public void Pooled_sd_of_equal_groups_is_their_sd()
    {
        Assert.Equal(0.5, SampleStatistics.PooledStandardDeviation(3, 0.5, 5, 0.5), 12);
        Assert.True(double.IsNaN(SampleStatistics.PooledStandardDeviation(1, double.NaN, 3, 0.5)));
    }
}
