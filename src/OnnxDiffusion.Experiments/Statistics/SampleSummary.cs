namespace OnnxDiffusion.Experiments.Statistics;

/// <summary>One quantity over independent replicates: n, mean, sample sd (n − 1) and a two-sided Student-t interval.</summary>
/// <param name="N">Number of replicates.</param>
/// <param name="Mean">Sample mean; NaN when N = 0.</param>
/// <param name="Sd">Sample standard deviation with n − 1 in the denominator; NaN when N &lt; 2.</param>
/// <param name="CiLow">Lower end of the interval; NaN when N &lt; 2.</param>
/// <param name="CiHigh">Upper end of the interval; NaN when N &lt; 2.</param>
/// <param name="Confidence">Two-sided confidence level of the interval, e.g. 0.95.</param>
public sealed record SampleSummary(int N, double Mean, double Sd, double CiLow, double CiHigh, double Confidence)
{
    /// <summary>
    /// Summarises <paramref name="values"/>. N = 0 gives NaN everywhere; N = 1 gives the value as mean and NaN sd and
    /// interval, since one replicate says nothing about spread. For N ≥ 2 the interval is mean ± t_{(1+conf)/2, N−1}·sd/√N;
    /// sd = 0 is not special-cased, so identical values give a zero-width interval at the mean.
    /// </summary>
    /// <param name="values">One value per replicate.</param>
    /// <param name="confidence">Two-sided confidence level in (0,1).</param>
    /// <returns>The summary.</returns>
    /// <exception cref="ArgumentException">A value is NaN; the message names its index.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="confidence"/> is not in (0,1).</exception>
    public static SampleSummary Of(IReadOnlyList<double> values, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(confidence > 0 && confidence < 1))
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "Confidence must be strictly between 0 and 1.");

        // Welford's update: for identical values every deviation is exactly 0, so the sd comes out exactly 0
        // (a naive sum/n can land one ulp off the value and leave a spurious ~1e-17 spread)
        double mean = 0, sumSquares = 0;
        for (int i = 0; i < values.Count; i++)
        {
            double x = values[i];
            if (double.IsNaN(x))
                throw new ArgumentException($"values[{i}] is NaN.", nameof(values));
            double delta = x - mean;
            mean += delta / (i + 1);
            sumSquares += delta * (x - mean);
        }

        int n = values.Count;
        if (n == 0)
            return new SampleSummary(0, double.NaN, double.NaN, double.NaN, double.NaN, confidence);
        if (n == 1)
            return new SampleSummary(1, mean, double.NaN, double.NaN, double.NaN, confidence);

        double sd = Math.Sqrt(sumSquares / (n - 1));
        double halfWidth = StudentT.Quantile((1 + confidence) / 2, n - 1) * sd / Math.Sqrt(n);
        return new SampleSummary(n, mean, sd, mean - halfWidth, mean + halfWidth, confidence);
    }

    /// <summary>Whether there is an interval to read: N ≥ 2 and neither end is NaN.</summary>
    public bool HasInterval => N >= 2 && !double.IsNaN(CiLow) && !double.IsNaN(CiHigh);

    /// <summary>(CiHigh − CiLow)/2, NaN without an interval.</summary>
    public double HalfWidth => HasInterval ? (CiHigh - CiLow) / 2 : double.NaN;
}
