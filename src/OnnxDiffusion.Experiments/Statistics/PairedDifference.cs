namespace OnnxDiffusion.Experiments.Statistics;

/// <summary>
/// Paired comparison of a treatment with its baseline over the same replicates (same seeds), which removes the
/// between-replicate variation that both arms share and that an unpaired comparison would count as noise.
/// </summary>
public static class PairedDifference
{
    /// <summary>Per-replicate differences treated[i] − baseline[i] summarised as <see cref="SampleSummary"/> (a paired-t interval).</summary>
    /// <param name="treated">The treated arm, one value per replicate.</param>
    /// <param name="baseline">The baseline arm, in the same replicate order.</param>
    /// <param name="confidence">Two-sided confidence level in (0,1).</param>
    /// <returns>The summary of the differences.</returns>
    /// <exception cref="ArgumentException">The lengths differ, or a value is NaN.</exception>
    public static SampleSummary Of(IReadOnlyList<double> treated, IReadOnlyList<double> baseline, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(treated);
        ArgumentNullException.ThrowIfNull(baseline);
        if (treated.Count != baseline.Count)
            throw new ArgumentException(
                $"Paired difference needs one baseline per treated replicate: {treated.Count} treated but {baseline.Count} baseline values.",
                nameof(baseline));

        var differences = new double[treated.Count];
        for (int i = 0; i < differences.Length; i++)
        {
            // checked here rather than left to SampleSummary so the message names the arm that holds the NaN
            if (double.IsNaN(treated[i]))
                throw new ArgumentException($"treated[{i}] is NaN.", nameof(treated));
            if (double.IsNaN(baseline[i]))
                throw new ArgumentException($"baseline[{i}] is NaN.", nameof(baseline));
            differences[i] = treated[i] - baseline[i];
        }
        return SampleSummary.Of(differences, confidence);
    }
}
