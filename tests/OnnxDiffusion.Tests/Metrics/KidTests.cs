using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Tests.Metrics;

public class KidTests
{
    private static FeatureSet Cloud(int n, int d, int seed, double shift = 0)
    {
        var rng = new Random(seed);
        var x = new float[n * d];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(shift + Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return new FeatureSet(x, d);
    }

    [Theory]
    [InlineData(false, -8.087342843621399e-01)]
    [InlineData(true, -8.188665930041155e-01)]
    public void Mmd2MatchesTheFloat64Script(bool same, double expected)
    {
        double got = KidResult.Mmd2(HandMadeRows.X, same ? HandMadeRows.X : HandMadeRows.Y);
        Assert.Equal(expected, got, HandMadeRows.Tolerance);
    }

    [Fact]
    public void EqualSizeSetsTakenWholeGiveTheScriptValueWithNoSpread()
    {
        // Subsets of the full size are the whole sets in another order: every subset estimate is the single MMD².
        var kid = KidResult.Compute(new KidReference(HandMadeRows.Y, subsets: 7), HandMadeRows.X);
        Assert.Equal(6, kid.SubsetSize);
        Assert.Equal(7, kid.Subsets);
        Assert.Equal(-8.087342843621399e-01, kid.Kid, HandMadeRows.Tolerance);
        Assert.Equal(0, kid.StandardError, 1e-12);
    }

    [Fact]
    public void SubsetSizeIsCappedByTheSmallerSet()
    {
        var kid = KidResult.Compute(new KidReference(Cloud(300, 4, 1), subsets: 5), Cloud(40, 4, 2));
        Assert.Equal(40, kid.SubsetSize);
        Assert.True(kid.StandardError > 0);
    }

    [Fact]
    public void SameDistributionReadsZeroWithinItsErrorAndAShiftDoesNot()
    {
        var reference = new KidReference(Cloud(2000, 8, 3), subsets: 20, maxSubsetSize: 200);
        var same = KidResult.Compute(reference, Cloud(200, 8, 4));
        var shifted = KidResult.Compute(reference, Cloud(200, 8, 5, shift: 0.5));
        Assert.InRange(same.Kid, -2 * same.StandardError, 2 * same.StandardError);
        Assert.True(shifted.Kid > 10 * shifted.StandardError, $"KID {shifted.Kid} ± {shifted.StandardError}");
    }

    [Fact]
    public void CachedAndSubsetBySubsetProductsAgree()
    {
        var reference = new KidReference(Cloud(300, 5, 6), subsets: 4, maxSubsetSize: 50);
        var fake = Cloud(120, 5, 7, shift: 0.2);
        var cached = KidResult.Compute(reference, fake);
        var direct = KidResult.Compute(reference, fake, maxCachedProducts: 0);
        Assert.Equal(cached.Kid, direct.Kid, 1e-12);
        Assert.Equal(cached.StandardError, direct.StandardError, 1e-12);
    }
}
