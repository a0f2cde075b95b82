namespace OnnxDiffusion.Metrics;

/// <summary>
/// Where synthetic samples sit inside the real distribution, class by class: how close they crowd to their
/// class's real centroid compared with real samples, and which percentile of the real distance-to-centroid
/// distribution each one falls at. The paper's claim — reconstructions from larger t crowd into the modes and
/// miss the outer edges — shows as a ratio below 1 and an outer-decile share below 0.1.
/// </summary>
/// <param name="CentroidDistanceRatio">Mean fake distance to its class's real centroid ÷ the same for real samples.</param>
/// <param name="OuterDecileShare">Share of fake samples beyond the 90th percentile of their class's real distances (0.1 for a matching set).</param>
/// <param name="PercentileHistogram">Shares of fake samples in ten percentile bins [0,0.1), …, [0.9,1].</param>
public sealed record ModeConcentrationResult(double CentroidDistanceRatio, double OuterDecileShare, double[] PercentileHistogram)
{
    /// <summary>Computes the measures; classes without real samples are skipped for the fakes that claim them.</summary>
    public static ModeConcentrationResult Compute(FeatureSet real, IReadOnlyList<int> realLabels, FeatureSet fake, IReadOnlyList<int> fakeLabels)
    {
        int d = real.Dimension;
        var byClass = Enumerable.Range(0, real.Count).GroupBy(i => realLabels[i]).ToDictionary(g => g.Key, g => g.ToArray());
        var centroids = new Dictionary<int, float[]>();
        var sortedRealDistances = new Dictionary<int, double[]>();
        double realSum = 0;
        foreach (var (label, members) in byClass)
        {
            var c = new float[d];
            foreach (var i in members)
                for (int j = 0; j < d; j++)
                    c[j] += real[i][j] / members.Length;
            centroids[label] = c;
            var dist = members.Select(i => (double)System.Numerics.Tensors.TensorPrimitives.Distance(real[i], c)).Order().ToArray();
            sortedRealDistances[label] = dist;
            realSum += dist.Sum();
        }
        double realMean = realSum / real.Count;

        var hist = new double[10];
        double fakeSum = 0;
        int counted = 0, outer = 0;
        for (int i = 0; i < fake.Count; i++)
        {
            if (!centroids.TryGetValue(fakeLabels[i], out var c))
                continue;
            double dist = System.Numerics.Tensors.TensorPrimitives.Distance(fake[i], c);
            fakeSum += dist;
            counted++;
            var sorted = sortedRealDistances[fakeLabels[i]];
            double pct = UpperBound(sorted, dist) / (double)sorted.Length;  // share of real class samples at or inside
            if (pct > 0.9)
                outer++;
            hist[Math.Min(9, (int)(pct * 10))]++;
        }
        if (counted == 0)
            return new ModeConcentrationResult(double.NaN, double.NaN, hist);
        return new ModeConcentrationResult(fakeSum / counted / realMean, (double)outer / counted, hist.Select(h => h / counted).ToArray());
    }

    private static int UpperBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
