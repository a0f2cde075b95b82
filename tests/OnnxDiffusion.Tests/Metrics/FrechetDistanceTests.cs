using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Tests.Metrics;

public class FrechetDistanceTests
{
    private static float[] Cloud(int n, int d, int seed, double shift = 0, double scale = 1)
    {
        var rng = new Random(seed);
        var x = new float[n * d];
        for (int i = 0; i < x.Length; i++)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            x[i] = (float)(shift + scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return x;
    }

    [Fact]
    public void IdenticalSetsAreAtDistanceZero()
    {
        var a = Cloud(3000, 16, 1);
        var s = GaussianStats.Of(a, 16);
        double fd = FrechetDistance.Compute(s, s);
        double variance = s.Covariance.Trace();
        Assert.True(Math.Abs(fd) < 1e-6 * variance, $"FD {fd}");
    }

    [Fact]
    public void EqualCovarianceGivesTheSquaredMeanDistance()
    {
        // Same samples shifted: covariances are identical, so FD = ‖Δμ‖² exactly (up to rounding).
        const int d = 8;
        var a = Cloud(4000, d, 2);
        var b = a.Select(v => v + 0.5f).ToArray();
        double fd = FrechetDistance.Compute(GaussianStats.Of(a, d), GaussianStats.Of(b, d));
        Assert.InRange(fd, 0.99 * d * 0.25, 1.01 * d * 0.25);
    }

    [Fact]
    public void MatchesTheClosedFormForIsotropicGaussians()
    {
        // N(0, I) vs N(0, 4I) in d dims: FD = d (1 + 4 − 2·2) = d, estimated from samples within 5 %.
        const int d = 4;
        double fd = FrechetDistance.Compute(GaussianStats.Of(Cloud(20000, d, 3), d), GaussianStats.Of(Cloud(20000, d, 4, scale: 2), d));
        Assert.InRange(fd, 0.95 * d, 1.05 * d);
    }

    [Fact]
    public void FewerSamplesThanDimensionsIsFlaggedAndStillFinite()
    {
        var s = GaussianStats.Of(Cloud(10, 32, 5), 32);
        Assert.True(FrechetDistance.TooFewSamples(s));
        Assert.True(double.IsFinite(FrechetDistance.Compute(s, GaussianStats.Of(Cloud(10, 32, 6), 32))));
    }
}
