using System.Numerics.Tensors;

namespace OnnxDiffusion.Metrics;

/// <summary>N feature vectors of dimension D, row-major, with helpers for the pairwise distances the metrics need.</summary>
public sealed class FeatureSet
{
    /// <summary>Wraps rows (length must be a multiple of <paramref name="dimension"/>).</summary>
    public FeatureSet(float[] rows, int dimension)
    {
        if (dimension < 1 || rows.Length % dimension != 0)
            throw new ArgumentException($"{rows.Length} values are not a whole number of {dimension}-d vectors");
        Rows = rows;
        Dimension = dimension;
    }

    /// <summary>The values.</summary>
    public float[] Rows { get; }

    /// <summary>D.</summary>
    public int Dimension { get; }

    /// <summary>N.</summary>
    public int Count => Rows.Length / Dimension;

    /// <summary>Vector i.</summary>
    public ReadOnlySpan<float> this[int i] => Rows.AsSpan(i * Dimension, Dimension);

    /// <summary>The vectors at <paramref name="indices"/>, in that order, as a new set.</summary>
    public FeatureSet Subset(IReadOnlyList<int> indices)
    {
        var rows = new float[indices.Count * Dimension];
        for (int i = 0; i < indices.Count; i++)
            this[indices[i]].CopyTo(rows.AsSpan(i * Dimension, Dimension));
        return new FeatureSet(rows, Dimension);
    }

    /// <summary>Euclidean distance between vector i of this set and vector j of <paramref name="other"/>.</summary>
    public float Distance(int i, FeatureSet other, int j) => TensorPrimitives.Distance(this[i], other[j]);

    /// <summary>
    /// For every vector, the distance to its k-th nearest neighbour among the OTHER vectors of the set
    /// (self excluded, as Naeem et al. define the radii).
    /// </summary>
    public float[] KthNeighbourRadii(int k)
    {
        if (k < 1 || k >= Count)
            throw new ArgumentException($"k = {k}: needs 1 ≤ k < number of samples ({Count})");
        var radii = new float[Count];
        Parallel.For(0, Count, () => new float[Count], (i, _, row) =>
        {
            int m = 0;
            for (int j = 0; j < Count; j++)
                if (j != i)
                    row[m++] = Distance(i, this, j);
            radii[i] = Select(row.AsSpan(0, m), k - 1);
            return row;
        }, _ => { });
        return radii;
    }

    /// <summary>The (0-based) rank-th smallest value; reorders the span.</summary>
    private static float Select(Span<float> values, int rank)
    {
        int lo = 0, hi = values.Length - 1;
        while (lo < hi)
        {
            float pivot = values[(lo + hi) >>> 1];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }
            if (rank <= j) hi = j;
            else if (rank >= i) lo = i;
            else return values[rank];
        }
        return values[rank];
    }
}
