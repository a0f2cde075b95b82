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
        int d = x.Dimension;
        // The own source's distance by the same expansion and summation order as the scan's tiles, so the comparison is
        // like for like and a copy of its source sits at exactly 0.
        var own = new double[x.Count];
        for (int i = 0; i < x.Count; i++)
        {
            int s = sourceInPool[i];
            if ((uint)s >= (uint)p.Count)
                throw new ArgumentOutOfRangeException(nameof(sourceInPool), s, $"sample {i}: source outside the pool of {p.Count}");
            double ns = PairwiseProducts.Dot(p[s], p[s]), ni = PairwiseProducts.Dot(x[i], x[i]);
            own[i] = Math.Max(0, ni + ns - 2 * PairwiseProducts.Dot(x[i], p[s]));
        }
        var closer = new int[x.Count];
        DistanceScan.Run(x, pool, (i0, rows, j0, cols, tile) =>
        {
            for (int r = 0; r < rows; r++)
            {
                int i = i0 + r, source = sourceInPool[i], count = 0;
                double limit = own[i];
                var row = tile.Slice(r * cols, cols);
                for (int c = 0; c < cols; c++)
                    if (row[c] < limit && j0 + c != source)
                        count++;
                closer[i] += count;
            }
        });
        var ranks = closer.Select(c => c + 1).ToArray();
        Array.Sort(ranks);
        int n = ranks.Length;
        double median = n % 2 == 1 ? ranks[n / 2] : (ranks[n / 2 - 1] + ranks[n / 2]) / 2.0;
        return new SourceIdentifiabilityResult(ranks.Count(k => k == 1) / (double)n, median, p.Count);
    }
}
