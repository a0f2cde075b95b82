namespace OnnxDiffusion.Experiments.Statistics;

/// <summary>Quantiles and CDF of the central Student-t distribution, the critical values and p-values behind every interval and test here.</summary>
public static class StudentT
{
    /// <summary>Quantile of Student's t with <paramref name="df"/> degrees of freedom (df ≥ 1), p in (0,1).</summary>
    /// <param name="p">Lower-tail probability, strictly between 0 and 1.</param>
    /// <param name="df">Degrees of freedom, at least 1.</param>
    /// <returns>The t with P(T ≤ t) = p.</returns>
    /// <exception cref="ArgumentOutOfRangeException">p outside (0,1) or df below 1.</exception>
    public static double Quantile(double p, int df)
    {
        // !(0 < p < 1) so that NaN is rejected too
        if (!(p > 0 && p < 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, "Student-t quantile needs p strictly between 0 and 1.");
        if (df < 1)
            throw new ArgumentOutOfRangeException(nameof(df), df, "Student-t quantile needs at least one degree of freedom.");
        return MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, df, p);
    }

    /// <summary>P(T ≤ <paramref name="t"/>) for Student's t with <paramref name="df"/> degrees of freedom (df ≥ 1); t may be ±∞.</summary>
    /// <param name="t">The point, not NaN.</param>
    /// <param name="df">Degrees of freedom, at least 1.</param>
    /// <returns>The lower-tail probability, in [0,1].</returns>
    /// <exception cref="ArgumentOutOfRangeException">t is NaN or df below 1.</exception>
    public static double Cdf(double t, int df)
    {
        if (double.IsNaN(t))
            throw new ArgumentOutOfRangeException(nameof(t), t, "Student-t CDF needs a number.");
        if (df < 1)
            throw new ArgumentOutOfRangeException(nameof(df), df, "Student-t CDF needs at least one degree of freedom.");
        // the infinite ends are answered here rather than left to the incomplete beta function behind MathNet's CDF
        if (double.IsInfinity(t))
            return t > 0 ? 1 : 0;
        return MathNet.Numerics.Distributions.StudentT.CDF(0, 1, df, t);
    }
}
