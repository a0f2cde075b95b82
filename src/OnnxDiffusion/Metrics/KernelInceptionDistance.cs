namespace OnnxDiffusion.Metrics;

/// <summary>
/// Kernel inception distance: the unbiased MMD² between two feature sets with the cubic polynomial kernel
/// k(x, y) = (xᵀy / d + 1)³, averaged over random subsets of equal size m drawn without replacement from each side.
/// Within-set kernel sums leave out the diagonal (over m(m − 1) pairs); the cross sum keeps it (over m² pairs), as
/// torch-fidelity's default estimator does. Its expectation is 0 when both sets come from one distribution, at any m.
/// </summary>
/// <param name="Kid">Mean of the subset estimates.</param>
/// <param name="StandardError">Sample sd of the subset estimates (0 with one subset).</param>
/// <param name="SubsetSize">m.</param>
/// <param name="Subsets">Number of subsets.</param>
public sealed record KidResult(double Kid, double StandardError, int SubsetSize, int Subsets)
{
    /// <summary>torch-fidelity's default number of subsets.</summary>
    public const int DefaultSubsets = 100;

    /// <summary>torch-fidelity's default subset size (capped here by the smaller set, where torch-fidelity refuses).</summary>
    public const int DefaultSubsetSize = 1000;

    /// <summary>KID of <paramref name="fake"/> against a prepared real side.</summary>
    public static KidResult Compute(KidReference real, FeatureSet fake) => Compute(real, fake, MaxCached);

    /// <summary>
    /// As <see cref="Compute(KidReference, FeatureSet)"/>, keeping whole kernel matrices of the fake set (with itself, with
    /// the real set) only when they hold at most <paramref name="maxCachedProducts"/> values; larger ones are computed
    /// subset by subset. The result does not depend on the choice.
    /// </summary>
    public static KidResult Compute(KidReference real, FeatureSet fake, long maxCachedProducts)
    {
        var x = new DoubleRows(fake);
        int m = Math.Min(real.MaxSubsetSize, x.Count);
        if (m < 2)
            throw new ArgumentException($"KID needs at least 2 samples per side; the fake set has {x.Count}");
        var realSums = real.WithinSums(m);
        // Products of the fake set with itself and with the real set are reused by every subset when they fit in memory.
        var fakeFull = (long)x.Count * x.Count <= maxCachedProducts ? Full(x, x) : null;
        var crossFull = (long)x.Count * real.Rows.Count <= maxCachedProducts ? Full(x, real.Rows) : null;
        var estimates = new double[real.Subsets];
        var buffer = new double[m * m];
        for (int s = 0; s < real.Subsets; s++)
        {
            var ix = Subset(x.Count, m, real.Seed ^ 0x5DEECE66DUL, s);
            var iy = real.SubsetIndices(m, s);
            double xx = fakeFull is null ? OffDiagonalSum(x, ix, buffer) : GatherSum(fakeFull, x.Count, ix, ix, diagonal: false);
            double xy = crossFull is null ? Cross(x, ix, real.Rows, iy, buffer) : GatherSum(crossFull, real.Rows.Count, ix, iy, diagonal: true);
            estimates[s] = (xx + realSums[s]) / ((double)m * (m - 1)) - 2 * xy / ((double)m * m);
        }
        double mean = estimates.Average();
        double sd = estimates.Length < 2 ? 0 : Math.Sqrt(estimates.Sum(e => (e - mean) * (e - mean)) / (estimates.Length - 1));
        return new KidResult(mean, sd, m, real.Subsets);
    }

    /// <summary>The unbiased MMD² of two equal-size sets taken whole (one subset).</summary>
    public static double Mmd2(FeatureSet a, FeatureSet b)
    {
        if (a.Count != b.Count || a.Count < 2)
            throw new ArgumentException($"expected two sets of equal size ≥ 2, got {a.Count} and {b.Count}");
        var x = new DoubleRows(a);
        var y = new DoubleRows(b);
        var all = DoubleRows.All(a.Count);
        var buffer = new double[a.Count * a.Count];
        int m = a.Count;
        return (OffDiagonalSum(x, all, buffer) + OffDiagonalSum(y, all, buffer)) / ((double)m * (m - 1)) - 2 * Cross(x, all, y, all, buffer) / ((double)m * m);
    }

    // 8 M doubles (64 MiB): a 500-image set against a 10,000-image test set fits; 10,000 × 10,000 is done subset by subset.
    private const long MaxCached = 8L << 20;

    internal static int[] Subset(int n, int m, ulong seed, int s)
    {
        // A partial Fisher–Yates shuffle: m distinct indices, in a fixed order for (seed, s).
        var rng = new Random(unchecked((int)(ReferenceDraws.DrawSeed(seed, s) % int.MaxValue)));
        var ix = DoubleRows.All(n);
        for (int i = 0; i < m; i++)
        {
            int j = rng.Next(i, n);
            (ix[i], ix[j]) = (ix[j], ix[i]);
        }
        return ix[..m];
    }

    internal static double Kernel(double dot, int d)
    {
        double v = dot / d + 1;
        return v * v * v;
    }

    internal static double OffDiagonalSum(DoubleRows x, int[] ix, double[] buffer)
    {
        x.Products(ix, x, ix, buffer);
        int m = ix.Length;
        double sum = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
                if (i != j)
                    sum += Kernel(buffer[i * m + j], x.Dimension);
        return sum;
    }

    private static double Cross(DoubleRows x, int[] ix, DoubleRows y, int[] iy, double[] buffer)
    {
        x.Products(ix, y, iy, buffer);
        double sum = 0;
        for (int i = 0; i < ix.Length * iy.Length; i++)
            sum += Kernel(buffer[i], x.Dimension);
        return sum;
    }

    private static double[] Full(DoubleRows x, DoubleRows y)
    {
        var k = new double[x.Count * y.Count];
        x.Products(DoubleRows.All(x.Count), y, DoubleRows.All(y.Count), k);
        for (int i = 0; i < k.Length; i++)
            k[i] = Kernel(k[i], x.Dimension);
        return k;
    }

    private static double GatherSum(double[] full, int stride, int[] ix, int[] iy, bool diagonal)
    {
        double sum = 0;
        for (int i = 0; i < ix.Length; i++)
        {
            int row = ix[i] * stride;
            for (int j = 0; j < iy.Length; j++)
                if (diagonal || i != j)
                    sum += full[row + iy[j]];
        }
        return sum;
    }
}

/// <summary>
/// The real side of KID, shared by every set measured against it: its rows in float64, and per subset size the subset
/// indices and within-set kernel sums (the real test set's part of the cost, paid once).
/// </summary>
public sealed class KidReference(FeatureSet real, int subsets = KidResult.DefaultSubsets, int maxSubsetSize = KidResult.DefaultSubsetSize, ulong seed = 0)
{
    private readonly Dictionary<int, (int[][] Indices, double[] Sums)> _bySize = [];
    private readonly Lock _gate = new();

    /// <summary>The real rows.</summary>
    public DoubleRows Rows { get; } = new(real);

    /// <summary>Number of subsets.</summary>
    public int Subsets { get; } = subsets >= 1 ? subsets : throw new ArgumentOutOfRangeException(nameof(subsets), subsets, "expected ≥ 1 subset");

    /// <summary>Largest subset size: the default, capped by the real set's size.</summary>
    public int MaxSubsetSize { get; } = Math.Min(maxSubsetSize, real.Count);

    /// <summary>Seed of the subsets.</summary>
    public ulong Seed { get; } = seed;

    /// <summary>Real indices of subset <paramref name="s"/> of size <paramref name="m"/>.</summary>
    public int[] SubsetIndices(int m, int s) => Prepare(m).Indices[s];

    /// <summary>Off-diagonal kernel sum of every real subset of size <paramref name="m"/>.</summary>
    public double[] WithinSums(int m) => Prepare(m).Sums;

    private (int[][] Indices, double[] Sums) Prepare(int m)
    {
        lock (_gate)
        {
            if (_bySize.TryGetValue(m, out var have))
                return have;
            var indices = new int[Subsets][];
            var sums = new double[Subsets];
            var buffer = new double[m * m];
            for (int s = 0; s < Subsets; s++)
            {
                indices[s] = KidResult.Subset(Rows.Count, m, Seed, s);
                sums[s] = KidResult.OffDiagonalSum(Rows, indices[s], buffer);
            }
            return _bySize[m] = (indices, sums);
        }
    }
}
