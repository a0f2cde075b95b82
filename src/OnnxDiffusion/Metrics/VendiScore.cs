using MathNet.Numerics.LinearAlgebra;

namespace OnnxDiffusion.Metrics;

/// <summary>
/// The Vendi score (Friedman &amp; Dieng 2023) with cosine similarity and q = 1: exp of the Shannon entropy of the
/// eigenvalues of K / n, K the n × n cosine-similarity matrix. It reads as an effective number of distinct samples:
/// 1 for n copies of one vector, n for n orthogonal ones.
/// </summary>
public static class VendiScore
{
    /// <summary>
    /// The score of a set. K / n = U Uᵀ / n for the unit-normalised rows U, whose non-zero eigenvalues are those of the
    /// d × d matrix Uᵀ U / n, so the cost is n·d² rather than n³. All-zero rows have no direction and are left out.
    /// </summary>
    public static double Compute(FeatureSet set)
    {
        int d = set.Dimension;
        var rows = new List<double[]>(set.Count);
        for (int i = 0; i < set.Count; i++)
        {
            var x = set[i];
            double norm = 0;
            foreach (float v in x)
                norm += (double)v * v;
            if (norm == 0)
                continue;
            norm = Math.Sqrt(norm);
            var u = new double[d];
            for (int j = 0; j < d; j++)
                u[j] = x[j] / norm;
            rows.Add(u);
        }
        if (rows.Count == 0)
            throw new ArgumentException("every feature vector is zero: the Vendi score needs at least one direction");
        var m = Matrix<double>.Build.DenseOfRowArrays(rows);
        var gram = m.TransposeThisAndMultiply(m) / rows.Count;
        gram = (gram + gram.Transpose()) / 2;
        double entropy = 0;
        foreach (var ev in gram.Evd(Symmetricity.Symmetric).EigenValues)
        {
            // Eigenvalues are ≥ 0 in exact arithmetic; rounding leaves tiny ones of either sign, which carry no entropy.
            double l = ev.Real;
            if (l > 1e-15)
                entropy -= l * Math.Log(l);
        }
        return Math.Exp(entropy);
    }
}
