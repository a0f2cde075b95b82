using OnnxDiffusion.Experiments.Statistics;

namespace OnnxDiffusion.Experiments.Tests.Statistics;

public class SampleSummaryTests
{
    [Fact]
    public void Four_values_give_the_hand_computed_mean_sd_and_t_interval()
    {
        var s = SampleSummary.Of([1, 2, 3, 4]);

        // mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, sd = √(5/3); t_{0.975,3} = 3.182446
        double halfWidth = 3.182446 * 1.290994 / 2;
        Assert.Equal(4, s.N);
        Assert.Equal(2.5, s.Mean, 1e-12);
        Assert.Equal(1.290994, s.Sd, 1e-6);
        Assert.Equal(2.5 - halfWidth, s.CiLow, 1e-5);
        Assert.Equal(2.5 + halfWidth, s.CiHigh, 1e-5);
        Assert.Equal(halfWidth, s.HalfWidth, 1e-5);
        Assert.Equal(0.95, s.Confidence);
        Assert.True(s.HasInterval);
    }

    [Fact]
    public void Confidence_level_sets_the_t_quantile()
    {
        // t_{0.995,2} = 9.924843; values 0, 1, 2: mean 1, sd 1
        var s = SampleSummary.Of([0, 1, 2], confidence: 0.99);
        Assert.Equal(9.924843 / Math.Sqrt(3), s.HalfWidth, 1e-5);
        Assert.Equal(0.99, s.Confidence);
    }

    [Fact]
    public void No_values_give_NaN_everywhere_and_no_interval()
    {
        var s = SampleSummary.Of([]);
        Assert.Equal(0, s.N);
        Assert.True(double.IsNaN(s.Mean));
        Assert.True(double.IsNaN(s.Sd));
        Assert.True(double.IsNaN(s.CiLow));
        Assert.True(double.IsNaN(s.CiHigh));
        Assert.False(s.HasInterval);
        Assert.True(double.IsNaN(s.HalfWidth));
    }

    [Fact]
    public void One_value_gives_its_mean_but_no_spread_or_interval()
    {
        var s = SampleSummary.Of([0.73]);
        Assert.Equal(1, s.N);
        Assert.Equal(0.73, s.Mean);
        Assert.True(double.IsNaN(s.Sd));
        Assert.True(double.IsNaN(s.CiLow));
        Assert.True(double.IsNaN(s.CiHigh));
        Assert.False(s.HasInterval);
        Assert.True(double.IsNaN(s.HalfWidth));
    }

    [Fact]
    public void Identical_values_give_a_zero_width_interval_at_the_mean_not_NaN()
    {
        // (0.8 + 0.8 + 0.8) / 3 is 0.8000000000000002, so a plain sum-then-divide mean would leave a spurious spread
        var s = SampleSummary.Of([0.8, 0.8, 0.8]);
        Assert.Equal(0.8, s.Mean);
        Assert.Equal(0.0, s.Sd);
        Assert.Equal(0.8, s.CiLow);
        Assert.Equal(0.8, s.CiHigh);
        Assert.True(s.HasInterval);
        Assert.Equal(0.0, s.HalfWidth);
    }

    [Fact]
    public void NaN_input_is_rejected_with_its_index()
    {
        var e = Assert.Throws<ArgumentException>(() => SampleSummary.Of([1, 2, double.NaN, 4]));
        Assert.Contains("[2]", e.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Confidence_outside_the_open_unit_interval_is_rejected(double confidence)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleSummary.Of([1, 2, 3], confidence));
    }
}
