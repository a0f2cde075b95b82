namespace OnnxDiffusion.Experiments.Statistics;

/// <summary>
/// A trend over a sweep, measured the way the replicates allow: one least-squares slope per replicate (its own real
/// subset, noise and seed), then the slopes summarised over replicates. Fitting within each replicate leaves out the
/// replicate's level, which every point of its sweep shares, just as pairing does for a difference of two points; and
/// using every point of the sweep rather than its two ends makes the estimate less noisy and the claim "as s grows"
/// the thing tested.
/// </summary>
public static class TrendSlope
{
    /// <summary>The ordinary least-squares slope of <paramref name="y"/> on <paramref name="x"/>: Σ(x − x̄)(y − ȳ) / Σ(x − x̄)².</summary>
    /// <param name="x">The sweep's positions (e.g. strengths); at least two distinct values.</param>
    /// <param name="y">One value per position, in the same order.</param>
    /// <returns>The change in y per unit x.</returns>
    /// <exception cref="ArgumentException">The lengths differ, fewer than two points, a value is NaN or infinite, or every x is the same.</exception>
    public static double Of(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
            throw new ArgumentException($"A slope needs one y per x: {x.Count} x but {y.Count} y values.", nameof(y));
        if (x.Count < 2)
            throw new ArgumentException($"A slope needs at least two points; got {x.Count}.", nameof(x));
        for (int i = 0; i < x.Count; i++)
        {
            if (!double.IsFinite(x[i]))
                throw new ArgumentException($"x[{i}] = {x[i]} is not a finite number.", nameof(x));
            if (!double.IsFinite(y[i]))
                throw new ArgumentException($"y[{i}] = {y[i]} is not a finite number.", nameof(y));
        }

        double xMean = x.Average(), yMean = y.Average();
        // centred sums: the raw-moment form Σxy − n·x̄·ȳ cancels badly when the values sit far from 0 relative to their spread
        double sxy = 0, sxx = 0;
        for (int i = 0; i < x.Count; i++)
        {
            double dx = x[i] - xMean;
            sxy += dx * (y[i] - yMean);
            sxx += dx * dx;
        }
        if (sxx == 0)
            throw new ArgumentException("A slope needs at least two distinct x values.", nameof(x));
        return sxy / sxx;
    }

    /// <summary>
    /// The slope of each replicate's values on <paramref name="x"/>, summarised over replicates: mean, sd and a
    /// two-sided Student-t interval with N − 1 degrees of freedom, as <see cref="SampleSummary.Of"/> gives them.
    /// </summary>
    /// <param name="x">The sweep's positions, shared by every replicate.</param>
    /// <param name="valuesByReplicate">Per replicate, one value per position in <paramref name="x"/>'s order.</param>
    /// <param name="confidence">Two-sided confidence level of the interval, in (0,1).</param>
    /// <returns>The summary of the per-replicate slopes (N = the number of replicates).</returns>
    /// <exception cref="ArgumentException">As <see cref="Of"/>, naming the replicate.</exception>
    public static SampleSummary OverReplicates(IReadOnlyList<double> x, IReadOnlyList<IReadOnlyList<double>> valuesByReplicate, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(valuesByReplicate);
        var slopes = new double[valuesByReplicate.Count];
        for (int r = 0; r < slopes.Length; r++)
        {
            try
            {
                slopes[r] = Of(x, valuesByReplicate[r]);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Replicate {r}: {e.Message}", nameof(valuesByReplicate), e);
            }
        }
        return SampleSummary.Of(slopes, confidence);
    }
}
