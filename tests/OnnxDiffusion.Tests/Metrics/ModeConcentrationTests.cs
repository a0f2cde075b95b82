using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Tests.Metrics;

public class ModeConcentrationTests
{
    [Fact]
    public void MatchingSetSitsLikeTheRealOne()
    {
        const int d = 5;
        var real = new FeatureSet(PrdcTests.Gaussian(3000, d, 1), d);
        var fake = new FeatureSet(PrdcTests.Gaussian(3000, d, 2), d);
        var labels = Enumerable.Repeat(0, 3000).ToArray();
        var r = ModeConcentrationResult.Compute(real, labels, fake, labels);
        Assert.InRange(r.CentroidDistanceRatio, 0.95, 1.05);
        Assert.InRange(r.OuterDecileShare, 0.08, 0.12);
        Assert.InRange(r.PercentileHistogram.Sum(), 0.999, 1.001);
    }

    [Fact]
    public void ShrunkSetCrowdsIntoTheModeAndLeavesTheEdges()
    {
        const int d = 5;
        var real = new FeatureSet(PrdcTests.Gaussian(3000, d, 3), d);
        var fake = new FeatureSet(PrdcTests.Gaussian(1000, d, 4, scale: 0.4), d);
        var r = ModeConcentrationResult.Compute(real, new int[3000], fake, new int[1000]);
        Assert.InRange(r.CentroidDistanceRatio, 0.3, 0.5);
        Assert.True(r.OuterDecileShare < 0.01, $"outer decile {r.OuterDecileShare}");
        Assert.True(r.PercentileHistogram[0] + r.PercentileHistogram[1] > 0.5);
    }

    [Fact]
    public void CentroidsArePerClass()
    {
        // Two classes far apart; fakes sit exactly on their own class's centroid → ratio 0, nothing in the outer decile.
        var real = new FeatureSet([0, 0, 2, 0, 100, 100, 102, 100], 2);
        var fake = new FeatureSet([1, 0, 101, 100], 2);
        var r = ModeConcentrationResult.Compute(real, [0, 0, 1, 1], fake, [0, 1]);
        Assert.Equal(0.0, r.CentroidDistanceRatio, 12);
        Assert.Equal(0.0, r.OuterDecileShare);
    }
}
