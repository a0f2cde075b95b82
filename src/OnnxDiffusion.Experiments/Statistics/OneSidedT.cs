namespace OnnxDiffusion.Experiments.Statistics;

/// <summary>The one-sided one-sample t-test of a mean against 0, for claims that name a direction.</summary>
public static class OneSidedT
{
    /// <summary>
    /// The p-value of the one-sided t-test that the true mean lies on <paramref name="side"/> of 0: with
    /// T = mean / (sd/√N) on N − 1 degrees of freedom, P(T_{N−1} ≤ T) for Negative and P(T_{N−1} ≥ T) for Positive.
    /// Without a test to run it returns 1 (no evidence): N &lt; 2, or sd = 0 with a mean of exactly 0. An sd of 0 with a
    /// non-zero mean is not special-cased: T is infinite and p is 0 or 1.
    /// </summary>
    /// <param name="summary">The summary of the per-replicate values, e.g. from <see cref="SampleSummary.Of"/>.</param>
    /// <param name="side">The side of 0 the alternative puts the mean on.</param>
    /// <returns>The p-value, in [0,1].</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="side"/> is not a defined direction.</exception>
    public static double PValue(SampleSummary summary, Direction side)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (side is not (Direction.Negative or Direction.Positive))
            throw new ArgumentOutOfRangeException(nameof(side), side, "Unknown direction.");
        if (summary.N < 2 || double.IsNaN(summary.Sd) || double.IsNaN(summary.Mean))
            return 1;
        double t = summary.Mean / (summary.Sd / Math.Sqrt(summary.N));
        if (double.IsNaN(t))
            return 1;
        // P(T ≥ t) = P(T ≤ −t) by symmetry, which keeps a small upper tail exact where 1 − CDF would round it to 0
        return StudentT.Cdf(side == Direction.Negative ? t : -t, summary.N - 1);
    }
}
