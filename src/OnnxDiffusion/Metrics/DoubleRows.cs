using System.Numerics.Tensors;

namespace OnnxDiffusion.Metrics;

/// <summary>
/// Feature vectors widened to float64, with the blocked pairwise dot products the kernel metrics are built on.
/// Widening once keeps every product in float64 (the reference tests compare to 1e-12) at the cost of one copy.
/// </summary>
public sealed class DoubleRows
{
    // Rows of the first operand per parallel work item.
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
    /// <paramref name="cols"/>[c] of <paramref name="other"/> (<see cref="PairwiseProducts"/>, in parallel over row blocks).
    /// </summary>
    public void Products(IReadOnlyList<int> rows, DoubleRows other, IReadOnlyList<int> cols, double[] destination)
    {
        if (other.Dimension != Dimension)
            throw new ArgumentException($"feature dimensions differ: {Dimension} vs {other.Dimension}");
        int n = rows.Count, m = cols.Count, d = Dimension;
        if (destination.Length < n * m)
            throw new ArgumentException($"destination holds {destination.Length} values, {n * m} needed");
        var a = Gather(rows);
        var b = other.Gather(cols);
        int blocks = (n + Tile - 1) / Tile;
        Parallel.For(0, blocks, blk =>
        {
            int r0 = blk * Tile, count = Math.Min(Tile, n - r0);
            PairwiseProducts.Products(a.AsSpan(r0 * d, count * d), b, d, destination.AsSpan(r0 * m, count * m), m);
        });
    }

    /// <summary>The rows at <paramref name="indices"/>, contiguous (the backing array itself when they are all rows in order).</summary>
    public double[] Gather(IReadOnlyList<int> indices)
    {
        bool identity = indices.Count == Count;
        for (int i = 0; identity && i < indices.Count; i++)
            identity = indices[i] == i;
        if (identity)
            return Values;
        var rows = new double[indices.Count * Dimension];
        for (int i = 0; i < indices.Count; i++)
            this[indices[i]].CopyTo(rows.AsSpan(i * Dimension, Dimension));
        return rows;
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
