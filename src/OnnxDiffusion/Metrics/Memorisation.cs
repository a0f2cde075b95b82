namespace OnnxDiffusion.Metrics;

/// <summary>
/// A data-copying check in the spirit of authenticity tests (Alaa et al. 2022): a sample is <i>copy-like</i> when it sits
/// closer to its nearest training image r* than r* sits to its own nearest other training image, i.e. inside the gap
/// around r* that real data leave empty. The share of copy-like samples is the statistic; a fresh real sample lands there
/// at some base rate (the reference row), a memorising model above it, an exact copy of a training image always.
/// </summary>
/// <param name="CopyShare">Share of samples with d(g, r*) &lt; d(r*, nearest other training image), strictly.</param>
/// <param name="MedianDistanceRatio">Median over samples of d(g, r*) / d(r*, its nearest other training image) (below 1 = copy-like).</param>
/// <param name="Pool">Training images searched.</param>
public sealed record MemorisationResult(double CopyShare, double MedianDistanceRatio, int Pool);

/// <summary>
/// The training split's features and the nearest-other-neighbour distances of the training images met so far (a fact of
/// the training set, shared by every set measured against it). Distances are squared Euclidean from
/// <see cref="DistanceScan"/>: every search streams the training features block by block, so memory holds the features
/// and one tile per thread, never a training × samples matrix.
/// </summary>
public sealed class MemorisationReference(FeatureSet train)
{
    // Per training image: its two nearest other training images (squared distance, index), ascending. Two, so that a
    // sample that is itself a training image can be left out of its neighbour's neighbourhood (see Compute).
    private readonly Dictionary<int, (double D1, int J1, double D2, int J2)> _neighbours = [];
    private readonly Lock _gate = new();

    /// <summary>The training features.</summary>
    public FeatureSet Train { get; } = train;

    /// <summary>
    /// The check for <paramref name="samples"/>. <paramref name="selfInTrain"/>[i] ≥ 0 says sample i IS that training image
    /// (a real reference row drawn from the training split): it is then left out of the training set for its own test
    /// (leave-one-out), so neither r* nor r*'s nearest neighbour can be itself. Without it a real training image would
    /// find itself at distance 0. Ties take the lower training index; a training image with an exact duplicate has a gap of 0,
    /// which no sample can be inside.
    /// </summary>
    public MemorisationResult Compute(FeatureSet samples, IReadOnlyList<int>? selfInTrain = null)
    {
        int n = samples.Count, count = Train.Count;
        if (samples.Dimension != Train.Dimension)
            throw new ArgumentException($"feature dimensions differ: {samples.Dimension} vs {Train.Dimension}");
        if (selfInTrain is not null && selfInTrain.Count != n)
            throw new ArgumentException($"{selfInTrain.Count} training indices for {n} samples");
        if (n == 0 || count < 3)
            throw new ArgumentException($"the memorisation check needs samples and at least 3 training images; got {n} and {count}");
        var nearest = Nearest(new DoubleRows(samples), selfInTrain);
        var gaps = Gaps(nearest.Select(x => x.J).Distinct().ToArray());
        int copies = 0;
        var ratios = new double[n];
        for (int i = 0; i < n; i++)
        {
            var (d, r) = nearest[i];
            var g = gaps[r];
            int self = selfInTrain?[i] ?? -1;
            double gap = g.J1 == self ? g.D2 : g.D1;
            if (d < gap)
                copies++;
            ratios[i] = gap > 0 ? Math.Sqrt(d / gap) : d > 0 ? double.PositiveInfinity : 1;
        }
        Array.Sort(ratios);
        double median = n % 2 == 1 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2.0;
        return new MemorisationResult(copies / (double)n, median, count);
    }

    // Each sample's nearest training image (squared distance, index), its own training index skipped.
    private (double D, int J)[] Nearest(DoubleRows samples, IReadOnlyList<int>? selfInTrain)
    {
        var best = new (double D, int J)[samples.Count];
        Array.Fill(best, (double.PositiveInfinity, -1));
        DistanceScan.Run(samples, Train, (i0, rows, j0, cols, tile) =>
        {
            for (int r = 0; r < rows; r++)
            {
                int i = i0 + r, self = selfInTrain?[i] ?? -1;
                var (d, at) = best[i];
                var row = tile.Slice(r * cols, cols);
                for (int c = 0; c < cols; c++)
                    if (row[c] < d && j0 + c != self)
                        (d, at) = (row[c], j0 + c);
                best[i] = (d, at);
            }
        });
        return best;
    }

    // The two nearest other training images of each of `indices`, searched only for those not met before.
    private Dictionary<int, (double D1, int J1, double D2, int J2)> Gaps(int[] indices)
    {
        lock (_gate)
        {
            var missing = indices.Where(j => !_neighbours.ContainsKey(j)).Order().ToArray();
            if (missing.Length > 0)
            {
                var two = new (double D1, int J1, double D2, int J2)[missing.Length];
                Array.Fill(two, (double.PositiveInfinity, -1, double.PositiveInfinity, -1));
                DistanceScan.Run(new DoubleRows(Train.Subset(missing)), Train, (i0, rows, j0, cols, tile) =>
                {
                    for (int r = 0; r < rows; r++)
                    {
                        int self = missing[i0 + r];
                        var t = two[i0 + r];
                        var row = tile.Slice(r * cols, cols);
                        for (int c = 0; c < cols; c++)
                        {
                            double v = row[c];
                            if (v >= t.D2 || j0 + c == self)
                                continue;
                            t = v < t.D1 ? (v, j0 + c, t.D1, t.J1) : (t.D1, t.J1, v, j0 + c);
                        }
                        two[i0 + r] = t;
                    }
                });
                for (int m = 0; m < missing.Length; m++)
                    _neighbours[missing[m]] = two[m];
            }
            return indices.ToDictionary(j => j, j => _neighbours[j]);
        }
    }
}
