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
    public void StratifiedMmd2MatchesTheFloat64Script() =>
        Assert.Equal(-8.298384598765437e-01, KidResult.Mmd2(HandMadeRows.X, HandMadeRows.Y, [0, 0, 0, 1, 1, 1], [0, 1, 0, 1, 0, 1]), HandMadeRows.Tolerance);

    [Fact]
    public void StratifiedDrawsOfOneDistributionReadZeroWithinTheirError()
    {
        // Two well-separated classes: unweighted, a balanced sample's missing same-class pairs pull the estimate below 0.
        var rng = new Random(11);
        FeatureSet TwoClasses(int n) => new(Enumerable.Range(0, n).SelectMany(i => new[] { (float)(4 * (i % 2) + rng.NextDouble()), (float)rng.NextDouble() }).ToArray(), 2);
        var realLabels = Enumerable.Range(0, 4000).Select(i => i % 2).ToArray();
        var reference = new KidReference(TwoClasses(4000), realLabels, subsets: 50, maxSubsetSize: 40);
        var estimates = Enumerable.Range(0, 30).Select(_ => KidResult.Compute(reference, TwoClasses(40), Enumerable.Range(0, 40).Select(i => i % 2).ToArray()).Kid).ToArray();
        double mean = estimates.Average(), se = Math.Sqrt(estimates.Sum(e => (e - mean) * (e - mean)) / (estimates.Length - 1) / estimates.Length);
        Assert.InRange(mean, -3 * se, 3 * se);
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

    [Theory]
    [InlineData(60)]   // the fake set whole in every subset: the column-sum shortcut
    [InlineData(150)]  // fake subsets drawn per subset
    public void EachSubsetIsTheMmd2OfItsTwoDraws(int fakeCount)
    {
        var realLabels = Enumerable.Range(0, 400).Select(i => i % 3).ToArray();
        var fakeLabels = Enumerable.Range(0, fakeCount).Select(i => i % 3).ToArray();
        var real = Cloud(400, 5, 6);
        var fake = Cloud(fakeCount, 5, 7, shift: 0.2);
        var reference = new KidReference(real, realLabels, subsets: 4, maxSubsetSize: 60, seed: 9);
        var kid = KidResult.Compute(reference, fake, fakeLabels);
        var counts = reference.Strata(fakeLabels);
        Assert.Equal([20, 20, 20], counts);
        var each = Enumerable.Range(0, 4).Select(s =>
        {
            var ix = KidResult.FakeSubset(reference, fakeLabels, fakeCount, s);
            var iy = reference.SubsetIndices(counts, s);
            return KidResult.Mmd2(fake.Subset(ix), real.Subset(iy), ix.Select(i => fakeLabels[i]).ToArray(), iy.Select(i => realLabels[i]).ToArray());
        }).ToArray();
        double mean = each.Average();
        Assert.Equal(mean, kid.Kid, 1e-9);
        Assert.Equal(Math.Sqrt(each.Sum(e => (e - mean) * (e - mean)) / 3), kid.StandardError, 1e-9);
        foreach (int s in Enumerable.Range(0, 4))
            Assert.All(reference.SubsetIndices(counts, s).GroupBy(i => realLabels[i]), g => Assert.Equal(20, g.Count()));
    }

    [Fact]
    public void ClassSharesOfTheFakeSetSetTheStrata()
    {
        // 3 : 1 fake classes and a subset of 8: six of class 0 and two of class 1 on both sides.
        var reference = new KidReference(Cloud(100, 2, 8), Enumerable.Range(0, 100).Select(i => i % 2).ToArray(), maxSubsetSize: 8);
        Assert.Equal([6, 2], reference.Strata([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]));
    }
}
