using OnnxDiffusion.Experiments.Statistics;
using SignalVerdict = OnnxDiffusion.Experiments.Statistics.Verdict;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>One signal of a trend claim: its per-replicate slopes summarised over replicates, and the sign the paper predicts.</summary>
/// <param name="Name">The signal's name as the report writes it.</param>
/// <param name="Slope">The per-replicate slopes over replicates, from <see cref="TrendSlope.OverReplicates"/>.</param>
/// <param name="Paper">The sign the paper predicts for the slope.</param>
public sealed record TrendSignal(string Name, SampleSummary Slope, Direction Paper);

/// <summary>How one signal fared in a <see cref="TrendDecision"/>.</summary>
/// <param name="Signal">The signal.</param>
/// <param name="PPaper">One-sided t-test p-value for a slope on the paper's side of 0.</param>
/// <param name="POther">One-sided t-test p-value for a slope on the other side.</param>
/// <param name="HolmPaper"><see cref="PPaper"/> Holm-adjusted over the family of signals.</param>
/// <param name="HolmOther"><see cref="POther"/> Holm-adjusted over the family of signals.</param>
/// <param name="Verdict">Supported when <see cref="HolmPaper"/> is at most α, contradicted when <see cref="HolmOther"/> is, otherwise inconclusive.</param>
public sealed record TrendSignalDecision(TrendSignal Signal, double PPaper, double POther, double HolmPaper, double HolmOther, Verdict Verdict)
{
    /// <summary>Whether the observed slope points the way the paper predicts (a slope of exactly 0 does not).</summary>
    public bool OnPaperSide => Signal.Paper == Direction.Negative ? Signal.Slope.Mean < 0 : Signal.Slope.Mean > 0;

    /// <summary>The Holm-adjusted p-value in the direction the observed slope points.</summary>
    public double HolmObserved => OnPaperSide ? HolmPaper : HolmOther;
}

/// <summary>
/// The decision rule of a trend claim made on several signals fixed in advance (finding 2: coverage, recall and the
/// outer-decile share all fall as the start step grows). Each signal gets a one-sided t-test on its slopes over
/// replicates in the paper's direction and another in the opposite direction; each direction is its own family of
/// tests, Holm-corrected at family-wise level α. The claim is supported when at least one signal survives in the paper's
/// direction and none the other way, contradicted in the mirror case, mixed when both happen, inconclusive when neither.
/// Holm keeps each direction's family-wise error at most α whatever the dependence between the signals; with three
/// independent signals and no trend a "supported" verdict comes out (1 − α/3)³ − (1 − 2α/3)³ ≈ 4.75 % of the time at
/// α = 5 %, and fewer when the signals move together, as coverage and recall do.
/// </summary>
/// <param name="Verdict">The claim's verdict; <see cref="FindingVerdict.NoData"/> without signals.</param>
/// <param name="Signals">Each signal's tests, in the input's order.</param>
/// <param name="Alpha">The family-wise level each direction was tested at.</param>
public sealed record TrendDecision(FindingVerdict Verdict, IReadOnlyList<TrendSignalDecision> Signals, double Alpha)
{
    /// <summary>The family-wise level finding 2 is judged at.</summary>
    public const double DefaultAlpha = 0.05;

    /// <summary>Judges <paramref name="signals"/> as one family per direction; see <see cref="TrendDecision"/>.</summary>
    /// <param name="signals">The signals, fixed before looking at the data; those without an interval (N &lt; 2) count in
    /// the family with p = 1.</param>
    /// <param name="alpha">Family-wise level of each direction, in (0,1).</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is not in (0,1).</exception>
    public static TrendDecision Judge(IReadOnlyList<TrendSignal> signals, double alpha = DefaultAlpha)
    {
        ArgumentNullException.ThrowIfNull(signals);
        if (!(alpha > 0 && alpha < 1))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "A significance level must be strictly between 0 and 1.");
        if (signals.Count == 0)
            return new TrendDecision(FindingVerdict.NoData, [], alpha);

        var pPaper = signals.Select(s => OneSidedT.PValue(s.Slope, s.Paper)).ToArray();
        var pOther = signals.Select(s => OneSidedT.PValue(s.Slope, Opposite(s.Paper))).ToArray();
        var holmPaper = Holm.Adjust(pPaper);
        var holmOther = Holm.Adjust(pOther);
        var withPaper = Holm.Reject(pPaper, alpha);
        var againstPaper = Holm.Reject(pOther, alpha);
        // p on one side and p on the other sum to 1 for a testable signal, so no signal is rejected both ways at α < 1/2
        var decisions = signals.Select((s, i) => new TrendSignalDecision(s, pPaper[i], pOther[i], holmPaper[i], holmOther[i],
            withPaper[i] ? SignalVerdict.Supported : againstPaper[i] ? SignalVerdict.Contradicted : SignalVerdict.Inconclusive)).ToList();

        bool supported = decisions.Any(d => d.Verdict == SignalVerdict.Supported);
        bool contradicted = decisions.Any(d => d.Verdict == SignalVerdict.Contradicted);
        var verdict = (supported, contradicted) switch
        {
            (true, true) => FindingVerdict.Mixed,
            (true, false) => FindingVerdict.Supported,
            (false, true) => FindingVerdict.Contradicted,
            _ => FindingVerdict.Inconclusive,
        };
        return new TrendDecision(verdict, decisions, alpha);
    }

    /// <summary>
    /// The exact probability that <see cref="Judge"/> calls a claim supported when its signals are independent and each
    /// signal's per-replicate slopes are normal: signal k's true slope is <paramref name="standardisedSlopes"/>[k] times the
    /// sd of one replicate's slope estimate, positive in the paper's direction. Holm's first step decides whether a family
    /// rejects anything, so with πₖ and πₖ′ the chances that signal k's t lands beyond the α/m critical value on the paper's
    /// side and on the other, P(supported) = Π(1 − πₖ′) − Π(1 − πₖ − πₖ′): no signal in the other tail, less the cases with
    /// no signal in either.
    /// </summary>
    /// <param name="replicates">R, at least 2.</param>
    /// <param name="standardisedSlopes">One true standardised slope per signal of the family; 0 for a signal without a trend.</param>
    /// <param name="alpha">Family-wise level of each direction, in (0,1).</param>
    /// <returns>The probability, in [0,1].</returns>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 replicates, no signals, or alpha not in (0,1).</exception>
    public static double PowerOfSupport(int replicates, IReadOnlyList<double> standardisedSlopes, double alpha = DefaultAlpha)
    {
        ArgumentNullException.ThrowIfNull(standardisedSlopes);
        if (replicates < 2)
            throw new ArgumentOutOfRangeException(nameof(replicates), replicates, "A t-test over replicates needs at least two.");
        if (standardisedSlopes.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(standardisedSlopes), "A family needs at least one signal.");
        if (!(alpha > 0 && alpha < 1))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "A significance level must be strictly between 0 and 1.");
        int df = replicates - 1;
        double critical = StudentT.Quantile(1 - alpha / standardisedSlopes.Count, df);
        double noOther = 1, neither = 1;
        foreach (double d in standardisedSlopes)
        {
            double delta = d * Math.Sqrt(replicates);
            double paperTail = 1 - NoncentralT.Cdf(critical, df, delta);
            double otherTail = NoncentralT.Cdf(-critical, df, delta);
            noOther *= 1 - otherTail;
            neither *= 1 - paperTail - otherTail;
        }
        return noOther - neither;
    }

    private static Direction Opposite(Direction d) => d == Direction.Negative ? Direction.Positive : Direction.Negative;
}
