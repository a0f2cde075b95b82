using System.Numerics.Tensors;

namespace OnnxDiffusion.Metrics;

/// <summary>
/// Feature vectors widened to float64, with the blocked pairwise dot products the kernel and rank metrics are built on.
/// Widening once keeps every product in float64 (the reference tests compare to 1e-12) at the cost of one copy.
/// </summary>
public sealed class DoubleRows
{
    // Rows of the second operand per tile: 64 rows of 64-d doubles stay in L1/L2 while a block of the first operand streams past.
    private const int Tile = 64;

    /// <summary>Widens a feature set.</summary>
    public DoubleRows(FeatureSet set)
    {
        Dimension = set.Dimension;
        Values = new double[set.Rows.Length];
        TensorPrimitives.ConvertChecked<float, double>(set.Rows, Values);
    }

    /// <summary>Row-major values.</summary>
    public double[] Values { get; }

    /// <summary>D.</summary>
    public int Dimension { get; }

    /// <summary>N.</summary>
    public int Count => Values.Length / Dimension;

    /// <summary>Row i.</summary>
    public ReadOnlySpan<double> this[int i] => Values.AsSpan(i * Dimension, Dimension);

    /// <summary>
    /// Fills <paramref name="destination"/>[r · |cols| + c] with row <paramref name="rows"/>[r] of this set dotted with row
    /// <paramref name="cols"/>[c] of <paramref name="other"/>, tile by tile and in parallel over row blocks.
    /// </summary>
    public void Products(IReadOnlyList<int> rows, DoubleRows other, IReadOnlyList<int> cols, double[] destination)
    {
        if (other.Dimension != Dimension)
            throw new ArgumentException($"feature dimensions differ: {Dimension} vs {other.Dimension}");
        int n = rows.Count, m = cols.Count;
        if (destination.Length < n * m)
            throw new ArgumentException($"destination holds {destination.Length} values, {n * m} needed");
        int blocks = (n + Tile - 1) / Tile;
        Parallel.For(0, blocks, b =>
        {
            int r0 = b * Tile, r1 = Math.Min(n, r0 + Tile);
            for (int c0 = 0; c0 < m; c0 += Tile)
            {
                int c1 = Math.Min(m, c0 + Tile);
                for (int r = r0; r < r1; r++)
                {
                    var x = this[rows[r]];
                    int at = r * m;
                    for (int c = c0; c < c1; c++)
                        destination[at + c] = TensorPrimitives.Dot(x, other[cols[c]]);
                }
            }
        });
    }

    /// <summary>0, 1, …, n − 1.</summary>
    public static int[] All(int n)
    {
        var ix = new int[n];
        for (int i = 0; i < n; i++)
            ix[i] = i;
        return ix;
    }
}
