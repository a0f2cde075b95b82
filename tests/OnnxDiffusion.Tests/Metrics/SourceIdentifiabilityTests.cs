using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Tests.Metrics;

public class SourceIdentifiabilityTests
{
    private static FeatureSet Cloud(int n, int d, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n * d];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return new FeatureSet(x, d);
    }

    [Fact]
    public void ExactCopiesRankFirst()
    {
        // Strength 0: each sample is its source, listed in another order.
        var pool = Cloud(400, 16, 1);
        var order = Enumerable.Range(0, 400).Reverse().ToArray();
        var r = SourceIdentifiabilityResult.Compute(pool.Subset(order), pool, order);
        Assert.Equal(1.0, r.RankOneShare);
        Assert.Equal(1.0, r.MedianRank);
        Assert.Equal(400, r.PoolSize);
    }

    [Fact]
    public void ShuffledSourcesSitNearChance()
    {
        var pool = Cloud(500, 16, 2);
        var samples = Cloud(500, 16, 3);
        var rng = new Random(4);
        var shuffled = Enumerable.Range(0, 500).OrderBy(_ => rng.Next()).ToArray();
        var r = SourceIdentifiabilityResult.Compute(samples, pool, shuffled);
        // Ranks uniform on 1…500: the median of 500 draws has sd ≈ 500 / (2√500) ≈ 11; 60 is over 5 sd.
        Assert.InRange(r.MedianRank, r.ChanceMedianRank - 60, r.ChanceMedianRank + 60);
        Assert.InRange(r.RankOneShare, 0, 0.02);
        Assert.Equal(1 / 500.0, r.ChanceRankOneShare);
    }

    [Fact]
    public void RanksMatchAHandCount()
    {
        // Pool on a line at 0, 1, 3, 6. A sample at 2.2 with source index 2 (the 3; distances 2.2, 1.2, 0.8, 3.8) ranks 1; a sample at 0.4 with source 3 (distance 2.6)
        // has 0 and 1 nearer: rank 3; a sample at 5 with source 0 (distance 5) has 1, 3 and 6 nearer: rank 4.
        var pool = new FeatureSet([0, 1, 3, 6], 1);
        var samples = new FeatureSet([2.2f, 0.4f, 5], 1);
        var r = SourceIdentifiabilityResult.Compute(samples, pool, [2, 2, 0]);
        Assert.Equal(1 / 3.0, r.RankOneShare, 12);
        Assert.Equal(3.0, r.MedianRank);
    }
}
