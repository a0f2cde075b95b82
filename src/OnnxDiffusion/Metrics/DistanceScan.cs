using System.Buffers;
using System.Numerics.Tensors;

namespace OnnxDiffusion.Metrics;

/// <summary>Receives one tile of squared distances: query rows i0 … i0 + rows − 1 against pool rows j0 … j0 + cols − 1, row-major (stride cols).</summary>
public delegate void DistanceTileVisitor(int i0, int rows, int j0, int cols, ReadOnlySpan<double> squaredDistances);

/// <summary>
/// Squared distances from every query row to every pool row, tile by tile, in memory that does not grow with the pool:
/// the pool is widened to float64 one block at a time, and each block is met by all query row blocks (in parallel) before
/// the next. A visitor sees every (query, pool) pair exactly once; within one pool block each query row block belongs to
/// one thread, so per-query state needs no locks.
/// </summary>
public static class DistanceScan
{
    /// <summary>Query rows per tile (one thread's share of a pool block).</summary>
    public const int QueryBlock = 64;

    /// <summary>Pool rows widened at a time: 2,048 × 128 doubles = 2 MiB, and a 64 × 2,048 tile = 1 MiB per thread.</summary>
    public const int PoolBlock = 2048;

    /// <summary>Visits every tile of <paramref name="queries"/> against <paramref name="pool"/>.</summary>
    public static void Run(DoubleRows queries, FeatureSet pool, DistanceTileVisitor visit)
    {
        if (queries.Dimension != pool.Dimension)
            throw new ArgumentException($"feature dimensions differ: {queries.Dimension} vs {pool.Dimension}");
        int d = queries.Dimension, n = queries.Count, queryBlocks = (n + QueryBlock - 1) / QueryBlock;
        var queryNorms = PairwiseProducts.SquaredNorms(queries.Values, d);
        var poolRows = new double[Math.Min(PoolBlock, pool.Count) * d];
        for (int j0 = 0; j0 < pool.Count; j0 += PoolBlock)
        {
            int cols = Math.Min(PoolBlock, pool.Count - j0);
            var block = poolRows.AsSpan(0, cols * d);
            TensorPrimitives.ConvertChecked<float, double>(pool.Rows.AsSpan(j0 * d, cols * d), block);
            var poolNorms = PairwiseProducts.SquaredNorms(block, d);
            // Tiles are rented: a fresh 1 MiB array per worker and pool block would land on the large-object heap each time.
            Parallel.For(0, queryBlocks, () => ArrayPool<double>.Shared.Rent(QueryBlock * cols), (b, _, tile) =>
            {
                int i0 = b * QueryBlock, rows = Math.Min(QueryBlock, n - i0);
                var span = tile.AsSpan(0, rows * cols);
                PairwiseProducts.SquaredDistances(queries.Values.AsSpan(i0 * d, rows * d), queryNorms.AsSpan(i0, rows),
                    poolRows.AsSpan(0, cols * d), poolNorms, d, span, cols);
                visit(i0, rows, j0, cols, span);
                return tile;
            }, tile => ArrayPool<double>.Shared.Return(tile));
        }
    }

    /// <summary>
    /// For every row of <paramref name="set"/>, the squared distance to its k-th nearest OTHER row (self excluded by
    /// index, as Naeem et al. define the radii; an exact duplicate elsewhere in the set counts, at distance 0).
    /// </summary>
    public static double[] KthSquaredRadii(FeatureSet set, int k)
    {
        int n = set.Count;
        if (k < 1 || k >= n)
            throw new ArgumentException($"k = {k}: needs 1 ≤ k < number of samples ({n})");
        var nearest = new double[n * k];
        Array.Fill(nearest, double.PositiveInfinity);
        Run(new DoubleRows(set), set, (i0, rows, j0, cols, tile) =>
        {
            for (int r = 0; r < rows; r++)
            {
                int i = i0 + r;
                var best = nearest.AsSpan(i * k, k);
                var row = tile.Slice(r * cols, cols);
                double worst = best[k - 1];
                for (int c = 0; c < cols; c++)
                    if (row[c] < worst && j0 + c != i)
                        worst = Insert(best, row[c]);
            }
        });
        var radii = new double[n];
        for (int i = 0; i < n; i++)
            radii[i] = nearest[i * k + k - 1];
        return radii;
    }

    // Puts v into the ascending list (dropping its largest) and returns the new largest: no row is ever sorted whole.
    private static double Insert(Span<double> best, double v)
    {
        int at = best.Length - 1;
        while (at > 0 && best[at - 1] > v)
        {
            best[at] = best[at - 1];
            at--;
        }
        best[at] = v;
        return best[^1];
    }
}
