using MathNet.Numerics.Distributions;

namespace OnnxDiffusion.Experiments.Statistics;

/// <summary>Power and sample size of the two-sided paired t-test, so a report can say how many replicates a claim would need.</summary>
public static class PairedPower
{
    /// <summary>
    /// Exact power of the two-sided paired t-test at level <paramref name="alpha"/> with <paramref name="n"/> pairs (n ≥ 2)
    /// when the true mean difference is <paramref name="effect"/> and the true sd of differences is <paramref name="sd"/>:
    /// P(|T| &gt; t_{1−α/2, n−1}) where T is non-central t with n − 1 df and non-centrality δ = (effect/sd)·√n.
    /// </summary>
    /// <param name="n">Number of pairs, at least 2.</param>
    /// <param name="effect">True mean of the differences.</param>
    /// <param name="sd">True sd of the differences, ≥ 0. With sd = 0 and effect ≠ 0, δ is infinite and the power 1;
    /// with both 0, δ = 0/0 and the power NaN.</param>
    /// <param name="alpha">Two-sided significance level in (0,1).</param>
    /// <returns>The probability that the test rejects; NaN when effect or sd is NaN.</returns>
    /// <exception cref="ArgumentOutOfRangeException">n below 2, sd negative, or alpha not in (0,1).</exception>
    public static double Power(int n, double effect, double sd, double alpha = 0.05)
    {
        if (n < 2)
            throw new ArgumentOutOfRangeException(nameof(n), n, "A paired t-test needs at least two pairs.");
        if (sd < 0)
            throw new ArgumentOutOfRangeException(nameof(sd), sd, "A standard deviation cannot be negative.");
        CheckProbability(alpha, nameof(alpha));

        int df = n - 1;
        double delta = effect / sd * Math.Sqrt(n);
        double critical = StudentT.Quantile(1 - alpha / 2, df);
        return 1 - NoncentralT.Cdf(critical, df, delta) + NoncentralT.Cdf(-critical, df, delta);
    }

    /// <summary>
    /// The smallest n ≥ 2 with <see cref="Power"/>(n, …) ≥ <paramref name="power"/>. Returns null when no finite answer exists
    /// or it exceeds <paramref name="maxN"/>: effect = 0 or NaN, sd NaN. sd = 0 with effect ≠ 0 returns 2, since with no
    /// spread any n ≥ 2 detects the difference (δ = ∞).
    /// </summary>
    /// <param name="effect">True mean of the differences.</param>
    /// <param name="sd">True sd of the differences, ≥ 0.</param>
    /// <param name="alpha">Two-sided significance level in (0,1).</param>
    /// <param name="power">Target power in (0,1).</param>
    /// <param name="maxN">Largest n worth reporting, at least 2.</param>
    /// <returns>The number of pairs, or null.</returns>
    /// <exception cref="ArgumentOutOfRangeException">sd negative, alpha or power not in (0,1), or maxN below 2.</exception>
    public static int? RequiredReplicates(double effect, double sd, double alpha = 0.05, double power = 0.8, int maxN = 100000)
    {
        if (sd < 0)
            throw new ArgumentOutOfRangeException(nameof(sd), sd, "A standard deviation cannot be negative.");
        CheckProbability(alpha, nameof(alpha));
        CheckProbability(power, nameof(power));
        if (maxN < 2)
            throw new ArgumentOutOfRangeException(nameof(maxN), maxN, "A paired t-test needs at least two pairs.");

        double d = Math.Abs(effect / sd);
        if (double.IsNaN(d) || d == 0)
            return null;

        // Guenther's normal approximation with its t correction lands within a pair or two of the exact answer, so the
        // gallop from it usually ends after one or two exact evaluations; galloping and bisecting (rather than stepping)
        // keeps the count logarithmic where the guess is far off, e.g. at a very small alpha. Both rely on the power
        // rising with n, which holds for the t-test at a fixed standardised effect.
        double zAlpha = Normal.InvCDF(0, 1, 1 - alpha / 2);
        double zPower = Normal.InvCDF(0, 1, power);
        double guess = Math.Pow((zAlpha + zPower) / d, 2) + zAlpha * zAlpha / 2;
        long start = (long)Math.Clamp(Math.Ceiling(guess), 2, maxN);
        bool Enough(long n) => Power((int)n, effect, sd, alpha) >= power;

        // invariant for the bisection: lo misses the target (lo = 1 stands for "below the smallest n"), hi reaches it
        long lo, hi;
        if (Enough(start))
        {
            hi = start;
            long step = 1;
            lo = Math.Max(1, hi - step);
            while (lo >= 2 && Enough(lo))
            {
                hi = lo;
                step *= 2;
                lo = Math.Max(1, hi - step);
            }
        }
        else
        {
            lo = start;
            long step = 1;
            while (true)
            {
                if (lo >= maxN)
                    return null;
                hi = Math.Min(maxN, lo + step);
                if (Enough(hi))
                    break;
                lo = hi;
                step *= 2;
            }
        }

        while (hi - lo > 1)
        {
            long mid = lo + (hi - lo) / 2;
            if (Enough(mid))
                hi = mid;
            else
                lo = mid;
        }
        return (int)hi;
    }

    private static void CheckProbability(double p, string name)
    {
        if (!(p > 0 && p < 1))
            throw new ArgumentOutOfRangeException(name, p, "Must be strictly between 0 and 1.");
    }
}
