namespace OnnxDiffusion.Experiments.Statistics;

/// <summary>Turns an interval on a difference into a verdict on a paper's directional claim.</summary>
public static class IntervalVerdict
{
    /// <summary>
    /// Supported when the summary's interval excludes 0 on the paper's side (Negative: CiHigh &lt; 0; Positive: CiLow &gt; 0);
    /// Contradicted when it excludes 0 on the other side; Inconclusive otherwise, including when there is no interval (N &lt; 2).
    /// </summary>
    /// <param name="difference">Summary of treated − baseline, usually from <see cref="PairedDifference.Of"/>.</param>
    /// <param name="paper">The sign the paper predicts for the difference.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="paper"/> is not a defined direction.</exception>
    public static Verdict Judge(SampleSummary difference, Direction paper)
    {
        ArgumentNullException.ThrowIfNull(difference);
        if (paper is not (Direction.Negative or Direction.Positive))
            throw new ArgumentOutOfRangeException(nameof(paper), paper, "Unknown direction.");
        if (!difference.HasInterval)
            return Verdict.Inconclusive;

        bool belowZero = difference.CiHigh < 0;
        bool aboveZero = difference.CiLow > 0;
        if (!belowZero && !aboveZero)
            return Verdict.Inconclusive;
        bool onPaperSide = paper == Direction.Negative ? belowZero : aboveZero;
        return onPaperSide ? Verdict.Supported : Verdict.Contradicted;
    }
}
