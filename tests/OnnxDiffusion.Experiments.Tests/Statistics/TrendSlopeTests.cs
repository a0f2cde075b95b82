using OnnxDiffusion.Experiments.Statistics;

namespace OnnxDiffusion.Experiments.Tests.Statistics;

public class TrendSlopeTests
{
    private static readonly double[] Sweep = [0.2, 0.4, 0.6, 0.8];

    [Fact]
    public void Slope_is_the_least_squares_fit()
    {
        // x̄ = 0.5, Σ(x − x̄)² = 0.2; y − ȳ = (0.125, 0.075, −0.075, −0.125), Σ(x − x̄)(y − ȳ) = −0.09: slope −0.45
        Assert.Equal(-0.45, TrendSlope.Of(Sweep, [0.9, 0.85, 0.7, 0.65]), 1e-12);
    }

    [Fact]
    public void Two_points_give_the_difference_over_the_distance()
    {
        Assert.Equal(-0.8, TrendSlope.Of([0, 0.5], [0.95, 0.55]), 1e-12);
    }

    [Fact]
    public void Values_far_from_zero_do_not_lose_the_slope()
    {
        // a raw-moment formula loses about half the digits here; the centred one keeps the slope to ~1e-9 relative
        Assert.Equal(2.0, TrendSlope.Of([1e6 + 1, 1e6 + 2, 1e6 + 3], [1e8 + 2, 1e8 + 4, 1e8 + 6]), 1e-6);
    }

    [Fact]
    public void Replicate_slopes_are_summarised_with_a_t_interval()
    {
        // slopes −0.45, 0 and −0.9: mean −0.45, sd 0.45; t_{0.95,2} = 0.9/√0.095 = 2.9199855803537256, so the 90 % half-width
        // is 2.9199855803537256 · 0.45/√3 = 0.7586345073811721
        var s = TrendSlope.OverReplicates(Sweep, [[0.9, 0.85, 0.7, 0.65], [0.8, 0.8, 0.8, 0.8], [1.0, 0.82, 0.64, 0.46]], confidence: 0.90);
        Assert.Equal(3, s.N);
        Assert.Equal(-0.45, s.Mean, 1e-12);
        Assert.Equal(0.45, s.Sd, 1e-12);
        Assert.Equal(-0.45 - 0.7586345073811721, s.CiLow, 1e-9);
        Assert.Equal(-0.45 + 0.7586345073811721, s.CiHigh, 1e-9);
        Assert.Equal(0.90, s.Confidence);
    }

    [Fact]
    public void One_replicate_has_a_slope_but_no_interval()
    {
        var s = TrendSlope.OverReplicates(Sweep, [[0.9, 0.85, 0.7, 0.65]]);
        Assert.Equal(-0.45, s.Mean, 1e-12);
        Assert.False(s.HasInterval);
    }

    [Fact]
    public void Bad_sweeps_are_rejected_with_the_reason()
    {
        Assert.Contains("one y per x", Assert.Throws<ArgumentException>(() => TrendSlope.Of(Sweep, [1, 2, 3])).Message);
        Assert.Contains("at least two points", Assert.Throws<ArgumentException>(() => TrendSlope.Of([0.5], [1])).Message);
        Assert.Contains("distinct x", Assert.Throws<ArgumentException>(() => TrendSlope.Of([0.5, 0.5], [1, 2])).Message);
        Assert.Contains("y[1]", Assert.Throws<ArgumentException>(() => TrendSlope.Of([0, 1], [1, double.NaN])).Message);
        Assert.Contains("Replicate 1: ", Assert.Throws<ArgumentException>(() => TrendSlope.OverReplicates([0, 1], [[1, 2], [1, double.NaN]])).Message);
    }
}
