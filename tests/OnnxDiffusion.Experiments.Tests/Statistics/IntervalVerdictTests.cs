using OnnxDiffusion.Experiments.Statistics;

namespace OnnxDiffusion.Experiments.Tests.Statistics;

public class IntervalVerdictTests
{
    private static SampleSummary Interval(double low, double high) => new(5, (low + high) / 2, 1, low, high, 0.95);

    [Theory]
    [InlineData(-0.3, -0.1, Direction.Negative, Verdict.Supported)]
    [InlineData(0.1, 0.3, Direction.Negative, Verdict.Contradicted)]
    [InlineData(-0.1, 0.3, Direction.Negative, Verdict.Inconclusive)]
    [InlineData(0.1, 0.3, Direction.Positive, Verdict.Supported)]
    [InlineData(-0.3, -0.1, Direction.Positive, Verdict.Contradicted)]
    [InlineData(-0.3, 0.1, Direction.Positive, Verdict.Inconclusive)]
    // an end exactly at 0 does not exclude it
    [InlineData(-0.3, 0.0, Direction.Negative, Verdict.Inconclusive)]
    [InlineData(0.0, 0.3, Direction.Positive, Verdict.Inconclusive)]
    public void Verdict_follows_which_side_of_zero_the_interval_lies(double low, double high, Direction paper, Verdict expected)
    {
        Assert.Equal(expected, IntervalVerdict.Judge(Interval(low, high), paper));
    }

    [Theory]
    [InlineData(Direction.Negative)]
    [InlineData(Direction.Positive)]
    public void One_replicate_is_inconclusive_however_large_the_difference(Direction paper)
    {
        var one = SampleSummary.Of([paper == Direction.Negative ? -5.0 : 5.0]);
        Assert.Equal(Verdict.Inconclusive, IntervalVerdict.Judge(one, paper));
    }

    [Fact]
    public void Summaries_from_data_are_judged_on_their_interval()
    {
        var lower = PairedDifference.Of([0.68, 0.78, 0.88], [0.70, 0.80, 0.90]);
        Assert.Equal(Verdict.Supported, IntervalVerdict.Judge(lower, Direction.Negative));
        Assert.Equal(Verdict.Contradicted, IntervalVerdict.Judge(lower, Direction.Positive));
    }
}
