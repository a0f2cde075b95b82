namespace OnnxDiffusion.Metrics;

/// <summary>N feature vectors of dimension D, row-major, row-major.</summary>
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

    /// <summary>
    /// For every vector, the squared distance to its k-th nearest neighbour among the OTHER vectors of the set (self
    /// excluded, as Naeem et al. define the radii), from blocked products (<see cref="DistanceScan"/>).
    /// </summary>
    public double[] KthNeighbourSquaredRadii(int k) => DistanceScan.KthSquaredRadii(this, k);
}
