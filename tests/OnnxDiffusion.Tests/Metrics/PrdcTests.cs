using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Tests.Metrics;

public class PrdcTests
{
    internal static float[] Gaussian(int n, int d, int seed, double scale = 1)
    {
        var rng = new Random(seed);
        var x = new float[n * d];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(scale * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return x;
    }

    [Fact]
    public void HandComputedTwoDimensionalCase()
    {
        // k = 1. Real radii: r0 1, r1 1, r2 √41 ≈ 6.403, r3 5. Fake radii: f0 0.5, f1 √2.5 ≈ 1.581, f2 0.5.
        // precision: every fake is in some real ball (f1 only in r2's: 5.83 ≤ 6.403)           → 3/3
        // density:   f0 ∈ {r0, r1}, f1 ∈ {r2}, f2 ∈ {r0, r1, r2 (6.364 ≤ 6.403)} = 6 / (1·3)  → 2
        // recall:    r0, r1 lie on f0's ball edge (0.5 ≤ 0.5); r2, r3 in no fake ball          → 2/4
        // coverage:  r0, r1 (f0 at 0.5), r2 (f1 at 5.83) covered; r3's nearest fake 5.5 > 5   → 3/4
        var real = new FeatureSet([0, 0, 1, 0, 5, 5, -5, 0], 2);
        var fake = new FeatureSet([0.5f, 0, 0, 2, 0.5f, 0.5f], 2);
        var r = PrdcResult.Compute(real, fake, k: 1);
        Assert.Equal(1.0, r.Precision, 12);
        Assert.Equal(2.0, r.Density, 12);
        Assert.Equal(0.5, r.Recall, 12);
        Assert.Equal(0.75, r.Coverage, 12);
    }

    [Fact]
    public void IdenticalSetsAreFullyCovered()
    {
        var x = new FeatureSet(Gaussian(500, 6, 1), 6);
        var r = PrdcResult.Compute(x, x, k: 5);
        Assert.Equal(1.0, r.Precision);
        Assert.Equal(1.0, r.Recall);
        Assert.Equal(1.0, r.Coverage);
        // Each real ball holds its own centre plus its k neighbours: (k + 1)/k exactly when no distances tie.
        Assert.Equal(1.2, r.Density, 9);
    }

    [Fact]
    public void TwoSamplesOfOneDistributionHaveDensityNearOne()
    {
        var r = PrdcResult.Compute(new FeatureSet(Gaussian(2000, 4, 2), 4), new FeatureSet(Gaussian(2000, 4, 3), 4), k: 5);
        Assert.InRange(r.Density, 0.9, 1.1);
        Assert.InRange(r.Precision, 0.9, 1.0);
        Assert.InRange(r.Recall, 0.9, 1.0);
        Assert.InRange(r.Coverage, 0.9, 1.0);
    }

    [Fact]
    public void ShrunkCloudKeepsPrecisionButLosesRecallAndCoverage()
    {
        const int d = 6;
        var real = new FeatureSet(Gaussian(2000, d, 4), d);
        var shrunk = new FeatureSet(Gaussian(1000, d, 5, scale: 0.3), d);
        var r = PrdcResult.Compute(real, shrunk, k: 5);
        Assert.True(r.Precision > 0.95, $"precision {r.Precision}");
        Assert.True(r.Recall < 0.5, $"recall {r.Recall}");
        Assert.True(r.Coverage < 0.5, $"coverage {r.Coverage}");
        Assert.True(r.Density > 1.2, $"density {r.Density}"); // crowding into the mode: dense real balls hold many fakes
    }
}
