using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Tests.Metrics;

public class VendiScoreTests
{
    [Theory]
    [InlineData(false, 2.759593599204624e+00)]
    [InlineData(true, 2.697088262542632e+00)]
    public void MatchesTheFloat64Script(bool y, double expected) =>
        Assert.Equal(expected, VendiScore.Compute(y ? HandMadeRows.Y : HandMadeRows.X), HandMadeRows.Tolerance);

    [Fact]
    public void DuplicatingEverySampleLeavesTheScoreUnchanged()
    {
        var x = HandMadeRows.X;
        var twice = new FeatureSet([.. x.Rows, .. x.Rows], x.Dimension);
        Assert.Equal(2.759593599204624e+00, VendiScore.Compute(twice), HandMadeRows.Tolerance);
    }

    [Fact]
    public void CopiesOfOneDirectionScoreOneAndOrthogonalVectorsScoreTheirCount()
    {
        Assert.Equal(1, VendiScore.Compute(new FeatureSet([1, 2, 0, 2, 4, 0, 0.5f, 1, 0], 3)), 1e-9);
        Assert.Equal(4, VendiScore.Compute(new FeatureSet([3, 0, 0, 0, 0, 2, 0, 0, 0, 0, 5, 0, 0, 0, 0, 1], 4)), 1e-9);
    }

    [Fact]
    public void ZeroVectorsAreLeftOutAndAllZeroIsRefused()
    {
        Assert.Equal(2, VendiScore.Compute(new FeatureSet([1, 0, 0, 0, 0, 1], 2)), 1e-9);
        Assert.Throws<ArgumentException>(() => VendiScore.Compute(new FeatureSet([0, 0, 0, 0], 2)));
    }
}
