using MathNet.Numerics.LinearAlgebra;

namespace OnnxDiffusion.Metrics;

/// <summary>Mean and covariance of a feature set, in float64.</summary>
public sealed record GaussianStats(double[] Mean, Matrix<double> Covariance, int Count)
{
    /// <summary>Feature dimension.</summary>
    public int Dimension => Mean.Length;

    /// <summary>Sample mean and unbiased covariance of row vectors (n × d, row-major floats).</summary>
    public static GaussianStats Of(ReadOnlySpan<float> rows, int dimension)
    {
        int n = rows.Length / dimension;
        if (n < 2)
            throw new ArgumentException($"{n} feature vectors: at least 2 are needed for a covariance");
        var mean = new double[dimension];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < dimension; j++)
                mean[j] += rows[i * dimension + j];
        for (int j = 0; j < dimension; j++)
            mean[j] /= n;
        var centered = Matrix<double>.Build.Dense(n, dimension);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < dimension; j++)
                centered[i, j] = rows[i * dimension + j] - mean[j];
        var cov = centered.TransposeThisAndMultiply(centered) / (n - 1);
        return new GaussianStats(mean, cov, n);
    }
}

/// <summary>
/// Fréchet distance between two Gaussians fitted to feature sets (the FID formula):
/// ‖μ_r − μ_f‖² + Tr(Σ_r) + Tr(Σ_f) − 2 Tr((Σ_r Σ_f)^{1/2}), with the last trace taken as the sum of √λ of the
/// symmetric matrix Σ_r^{1/2} Σ_f Σ_r^{1/2} (eigen-decompositions in float64; tiny negative eigenvalues clamped).
/// </summary>
public static class FrechetDistance
{
    /// <summary>The distance between two fitted Gaussians.</summary>
    public static double Compute(GaussianStats real, GaussianStats fake)
    {
        if (real.Dimension != fake.Dimension)
            throw new ArgumentException($"feature dimensions differ: {real.Dimension} vs {fake.Dimension}");
        double meanTerm = 0;
        for (int j = 0; j < real.Dimension; j++)
        {
            double d = real.Mean[j] - fake.Mean[j];
            meanTerm += d * d;
        }
        var sqrtR = SymmetricSqrt(real.Covariance);
        var inner = sqrtR * fake.Covariance * sqrtR;
        inner = (inner + inner.Transpose()) / 2; // symmetric up to rounding; make it exactly so for the eigen solver
        double traceSqrt = inner.Evd(Symmetricity.Symmetric).EigenValues.Sum(l => Math.Sqrt(Math.Max(l.Real, 0)));
        double fd = meanTerm + real.Covariance.Trace() + fake.Covariance.Trace() - 2 * traceSqrt;
        return Math.Max(fd, 0);
    }

    /// <summary>True when a set is smaller than its feature dimension (the covariance is then singular).</summary>
    public static bool TooFewSamples(GaussianStats s) => s.Count < s.Dimension;

    private static Matrix<double> SymmetricSqrt(Matrix<double> m)
    {
        var evd = m.Evd(Symmetricity.Symmetric);
        var v = evd.EigenVectors;
        var d = Matrix<double>.Build.DiagonalOfDiagonalVector(
            Vector<double>.Build.DenseOfEnumerable(evd.EigenValues.Select(l => Math.Sqrt(Math.Max(l.Real, 0)))));
        return v * d * v.Transpose();
    }
}
