namespace OnnxDiffusion.Experiments.Statistics;

/// <summary>
/// Holm's step-down correction (Holm 1979) for a family of m tests: with p-values sorted as p₍₁₎ ≤ … ≤ p₍ₘ₎, reject
/// while p₍ᵢ₎ ≤ α/(m − i + 1) and stop at the first that is not. It keeps the chance of any false rejection in the family
/// at most α whatever the dependence between the tests, and rejects everything Bonferroni (α/m for each) does and more.
/// </summary>
public static class Holm
{
    /// <summary>
    /// Holm-adjusted p-values, in the input's order: adjusted p₍ᵢ₎ = max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎), so that a
    /// test is rejected at family-wise level α exactly when its adjusted p is at most α. Ties keep their input order.
    /// </summary>
    /// <param name="pValues">One p-value per test, each in [0,1].</param>
    /// <returns>The adjusted p-values, each in [0,1].</returns>
    /// <exception cref="ArgumentException">A p-value is NaN or outside [0,1].</exception>
    public static double[] Adjust(IReadOnlyList<double> pValues)
    {
        var order = SortedIndices(pValues);
        int m = order.Length;
        var adjusted = new double[m];
        double running = 0;
        for (int i = 0; i < m; i++)
        {
            // the running maximum makes the adjusted values monotone in p, which is what makes them agree with the step-down rule
            running = Math.Max(running, Math.Min(1, (m - i) * pValues[order[i]]));
            adjusted[order[i]] = running;
        }
        return adjusted;
    }

    /// <summary>Which tests Holm's step-down procedure rejects at family-wise level <paramref name="alpha"/>, in the input's order.</summary>
    /// <param name="pValues">One p-value per test, each in [0,1].</param>
    /// <param name="alpha">Family-wise significance level in (0,1).</param>
    /// <returns>True where the test is rejected.</returns>
    /// <exception cref="ArgumentException">A p-value is NaN or outside [0,1].</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is not in (0,1).</exception>
    public static bool[] Reject(IReadOnlyList<double> pValues, double alpha)
    {
        if (!(alpha > 0 && alpha < 1))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "A significance level must be strictly between 0 and 1.");
        var order = SortedIndices(pValues);
        int m = order.Length;
        var rejected = new bool[m];
        for (int i = 0; i < m && pValues[order[i]] <= alpha / (m - i); i++)
            rejected[order[i]] = true;
        return rejected;
    }

    private static int[] SortedIndices(IReadOnlyList<double> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        for (int i = 0; i < pValues.Count; i++)
            if (!(pValues[i] >= 0 && pValues[i] <= 1))
                throw new ArgumentException($"pValues[{i}] = {pValues[i]} is not a probability.", nameof(pValues));
        // OrderBy is a stable sort, so tied p-values keep their input order
        return Enumerable.Range(0, pValues.Count).OrderBy(i => pValues[i]).ToArray();
    }
}
