namespace OnnxDiffusion.Metrics;

/// <summary>
/// How much of each reconstruction's source survives, in the feature space: the rank of a sample's own source among a
/// pool of real images by distance (rank 1 = the nearest real image is its source). With no information left the rank
/// is uniform on 1…n: a rank-1 share of 1/n and a median of (n + 1)/2, the chance line.
/// </summary>
/// <param name="RankOneShare">Share of samples whose nearest pool image is their own source.</param>
/// <param name="MedianRank">Median rank of the own source.</param>
/// <param name="PoolSize">n, the real images ranked.</param>
public sealed record SourceIdentifiabilityResult(double RankOneShare, double MedianRank, int PoolSize)
{
    /// <summary>Rank-1 share by chance: 1/n.</summary>
    public double ChanceRankOneShare => 1.0 / PoolSize;

    /// <summary>Median rank by chance: (n + 1)/2.</summary>
    public double ChanceMedianRank => (PoolSize + 1) / 2.0;

    /// <summary>
    /// Ranks sample i of <paramref name="samples"/> against every row of <paramref name="pool"/>, its source being pool row
    /// <paramref name="sourceInPool"/>[i]. Rank = 1 + the number of other pool rows strictly closer than the source, so a
    /// copy of its source ranks 1 even when the pool holds duplicates of it.
    /// </summary>
    public static SourceIdentifiabilityResult Compute(FeatureSet samples, FeatureSet pool, IReadOnlyList<int> sourceInPool)
    {
        if (samples.Dimension != pool.Dimension)
            throw new ArgumentException($"feature dimensions differ: {samples.Dimension} vs {pool.Dimension}");
        if (sourceInPool.Count != samples.Count)
            throw new ArgumentException($"{sourceInPool.Count} sources for {samples.Count} samples");
        if (samples.Count == 0 || pool.Count == 0)
            throw new ArgumentException("source identifiability needs samples and a pool of real images");
        var x = new DoubleRows(samples);
        var p = new DoubleRows(pool);
        var poolNorms = Norms(p);
        var sampleNorms = Norms(x);
        var ranks = new int[x.Count];
        var allPool = DoubleRows.All(p.Count);
        // Row blocks bound the product buffer (block × pool doubles) whatever the set sizes.
        const int block = 256;
        var products = new double[block * p.Count];
        for (int r0 = 0; r0 < x.Count; r0 += block)
        {
            int rows = Math.Min(block, x.Count - r0);
            x.Products(Enumerable.Range(r0, rows).ToArray(), p, allPool, products);
            Parallel.For(0, rows, r =>
            {
                int i = r0 + r, own = sourceInPool[i];
                if ((uint)own >= (uint)p.Count)
                    throw new ArgumentOutOfRangeException(nameof(sourceInPool), own, $"sample {i}: source outside the pool of {p.Count}");
                double ownDistance = SquaredDistance(x[i], p[own]);
                int closer = 0;
                for (int j = 0; j < p.Count; j++)
                    if (j != own && sampleNorms[i] + poolNorms[j] - 2 * products[r * p.Count + j] < ownDistance)
                        closer++;
                ranks[i] = closer + 1;
            });
        }
        Array.Sort(ranks);
        int n = ranks.Length;
        double median = n % 2 == 1 ? ranks[n / 2] : (ranks[n / 2 - 1] + ranks[n / 2]) / 2.0;
        return new SourceIdentifiabilityResult(ranks.Count(k => k == 1) / (double)n, median, p.Count);
    }

    private static double[] Norms(DoubleRows x)
    {
        var norms = new double[x.Count];
        for (int i = 0; i < x.Count; i++)
            norms[i] = System.Numerics.Tensors.TensorPrimitives.Dot(x[i], x[i]);
        return norms;
    }

    // Direct difference, not the norm expansion: a copy of its source is at exactly 0, which the expansion can miss by rounding.
    private static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++)
        {
            double d = a[k] - b[k];
            s += d * d;
        }
        return s;
    }
}
