using OnnxDiffusion.Experiments.Statistics;

namespace OnnxDiffusion.Experiments.Tests.Statistics;

public class OneSidedTTests
{
    [Fact]
    public void P_value_is_the_t_tail_on_the_claimed_side()
    {
        // mean −0.45, sd 0.45, N = 3: T = −√3 on 2 df, whose CDF is 1/2 + t/(2√(2 + t²)): 1/2 − √3/(2√5) = 0.11270166537925835
        var s = SampleSummary.Of([-0.45, 0, -0.9]);
        Assert.Equal(0.11270166537925835, OneSidedT.PValue(s, Direction.Negative), 1e-9);
        Assert.Equal(1 - 0.11270166537925835, OneSidedT.PValue(s, Direction.Positive), 1e-9);
    }

    [Fact]
    public void Without_a_test_to_run_there_is_no_evidence()
    {
        Assert.Equal(1, OneSidedT.PValue(SampleSummary.Of([-0.3]), Direction.Negative));
        Assert.Equal(1, OneSidedT.PValue(SampleSummary.Of([0.0, 0.0, 0.0]), Direction.Negative));
        Assert.Equal(1, OneSidedT.PValue(SampleSummary.Of([]), Direction.Positive));
    }

    [Fact]
    public void A_spread_of_zero_around_a_nonzero_mean_is_certain()
    {
        var s = SampleSummary.Of([-0.2, -0.2, -0.2]);
        Assert.Equal(0, OneSidedT.PValue(s, Direction.Negative));
        Assert.Equal(1, OneSidedT.PValue(s, Direction.Positive));
    }

    [Theory]
    // df = 1: 1/2 + atan(t)/π; df = 2: 1/2 + t/(2√(2 + t²))
    [InlineData(1.0, 1, 0.75)]
    [InlineData(2.0, 2, 0.9082482904638631)]
    [InlineData(double.PositiveInfinity, 3, 1.0)]
    [InlineData(double.NegativeInfinity, 3, 0.0)]
    public void Student_t_cdf_matches_its_closed_forms(double t, int df, double expected)
    {
        Assert.Equal(expected, StudentT.Cdf(t, df), 1e-12);
    }
}
