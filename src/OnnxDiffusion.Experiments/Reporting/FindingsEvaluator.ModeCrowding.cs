using OnnxDiffusion.Experiments.Results;
using OnnxDiffusion.Experiments.Statistics;
using static OnnxDiffusion.Experiments.Reporting.ReportFormat;

namespace OnnxDiffusion.Experiments.Reporting;

// Finding 2, the trend of the distribution metrics over strength (its signals, slopes and Holm decision), kept apart
// from the paired-difference findings 1 and 3.
public static partial class FindingsEvaluator
{
    /// <summary>Confidence of the slope intervals: their ends are the one-sided 5 % bounds that finding 2 tests before Holm.</summary>
    private const double SlopeConfidence = 0.90;

    /// <summary>
    /// Finding 2's signals, fixed before any run was looked at: coverage and recall (how much of the real distribution,
    /// edges included, the synthetic set reaches) and the outer-decile share (how many synthetic samples sit in the real
    /// distribution's outer tenth), all predicted to fall as the start step grows. The centroid-distance ratio measures
    /// the same crowding less directly and is shown beside them, outside the Holm family.
    /// </summary>
    private static readonly (string Name, bool Primary)[] TrendMetrics =
        [("coverage", true), ("recall", true), ("outer_decile_share", true), ("centroid_distance_ratio", false)];

    private const string NotPerKind = "Not judged per classifier: this finding rests on the distribution metrics of the synthetic sets, which no classifier enters.";

    private static Finding ModeCrowding(ExperimentResults r, int replicates)
    {
        // The claim is about reconstructions as the start step grows: the trend runs over the reconstructions above
        // strength 0. The generated set is another kind of set (no real image behind it) and is shown beside the trend,
        // not made its end point.
        var points = r.Metrics.Where(m => m.Set == MetricSets.Synthetic && m.Strength > 0)
            .Select(m => (Set: MetricSets.Synthetic, Strength: ResultsSummary.StrengthKey(m.Strength)))
            .Distinct().OrderBy(p => p.Strength).ToList();
        var evidence = new List<string>();
        if (points.Count == 1 && r.Metrics.Any(m => m.Set == MetricSets.Real))
        {
            points.Insert(0, (MetricSets.Real, null));
            evidence.Add("only one reconstruction strength above 0: the trend runs from the real subset (at strength 0, which is what a strength-0 reconstruction is)");
        }
        if (points.Count < 2)
            return new Finding(2, Claim2, FindingVerdict.NoData,
                $"Distribution metrics for {points.Count} reconstruction strength(s) above 0; a trend needs two or more.", evidence, replicates)
                { NotPerKind = NotPerKind };

        var xs = points.Select(p => p.Strength ?? 0).ToArray();
        var (low, high) = (points[0], points[^1]);
        string span = $"{SetName(low.Set, low.Strength)} → {SetName(high.Set, high.Strength)}" +
                      (points.Count > 2 ? $" ({points.Count.ToString(Inv)} strengths)" : "");
        var signals = new List<TrendSignal>();
        var lines = new List<(string Label, bool Primary, SampleSummary Slope, string Tail)>();
        foreach (var (name, isPrimary) in TrendMetrics)
        {
            var def = MetricDefinition.All.First(d => d.Name == name);
            var byPoint = points.Select(p => ByReplicate(r, def, p.Set, p.Strength)).ToList();
            // complete replicates only: every replicate's slope then rests on the same strengths and has the same spread
            var reps = byPoint.Skip(1).Aggregate(byPoint[0].Keys.AsEnumerable(), (acc, d) => acc.Intersect(d.Keys)).Order().ToList();
            if (reps.Count == 0)
            {
                evidence.Add($"{def.Label}: no replicate has it at every point of the trend, not judged");
                continue;
            }
            var sweeps = reps.Select(k => (IReadOnlyList<double>)byPoint.Select(d => d[k]).ToArray()).ToList();
            var slope = TrendSlope.OverReplicates(xs, sweeps, SlopeConfidence);
            var endpoint = PairedDifference.Of(sweeps.Select(y => y[^1]).ToList(), sweeps.Select(y => y[0]).ToList());
            if (isPrimary)
                signals.Add(new TrendSignal(def.Label, slope, Direction.Negative));

            var ceiling = r.Metrics.Where(m => m.Set == MetricSets.Real && def.Pick(m.Metrics) is { } v && !double.IsNaN(v)).Select(m => def.Pick(m.Metrics)!.Value).ToList();
            var curve = byPoint.Where(d => d.Count > 0).Select(d => d.Values.Average()).ToList();
            string shape = Monotonicity(curve.Select((_, i) => (double)i).ToList(), curve);
            var generated = r.Metrics.Where(m => m.Set == MetricSets.Generated && def.Pick(m.Metrics) is { } v && !double.IsNaN(v)).Select(m => def.Pick(m.Metrics)!.Value).ToList();
            lines.Add((def.Label, isPrimary, slope,
                $"endpoint {SetName(low.Set, low.Strength)} → {SetName(high.Set, high.Strength)} Δ {DeltaCi(endpoint)} (95 % paired-t); " +
                $"means {string.Join(" → ", curve.Select(x => Num(x)))} ({shape})" +
                (ceiling.Count > 0 ? $"; real-vs-real ceiling {Num(ceiling.Average())}" : "") +
                (generated.Count > 0 ? $"; generated set (pure noise, for comparison) {Num(generated.Average())}" : "")));
        }
        if (signals.Count == 0)
            return new Finding(2, Claim2, FindingVerdict.NoData,
                "No replicate has coverage, recall or outer-decile share at every point of the trend.", evidence, replicates) { NotPerKind = NotPerKind };

        var decision = TrendDecision.Judge(signals, TrendDecision.DefaultAlpha);
        foreach (var (label, isPrimary, slope, rest) in lines)
        {
            string head = $"{label}: slope {DeltaCi(slope)} per unit strength (90 % t-interval over R = {slope.N.ToString(Inv)})";
            var d = decision.Signals.FirstOrDefault(x => x.Signal.Name == label);
            evidence.Add(d is not null && isPrimary
                ? $"{head}, {Trend(slope)}, Holm-adjusted one-sided p {P(d.HolmObserved)} → {Name(d.Verdict)}; {rest}"
                : $"{head}, secondary (outside the Holm family); {rest}");
        }
        if (PerClassSummary.CoverageDrops(r) is { } perClass)
            evidence.Add(perClass);
        string what = $"Least-squares slope per unit strength over {span}, within each replicate (90 % t-intervals over replicates; " +
                      $"one-sided tests, Holm across {JoinAnd(signals.Select(x => x.Name).ToList())} at 5 % family-wise in each direction)";
        return new Finding(2, Claim2, decision.Verdict, $"{what}: {TrendSummary(decision)}", evidence, replicates) { NotPerKind = NotPerKind };
    }

    private static string Trend(SampleSummary slope) => slope.Mean < 0 ? "falling" : slope.Mean > 0 ? "rising" : "flat";

    private static Dictionary<int, double> ByReplicate(ExperimentResults r, MetricDefinition def, string set, double? strength) =>
        r.Metrics.Where(m => m.Set == set && ResultsSummary.StrengthKey(m.Strength) == strength && def.Pick(m.Metrics) is { } v && !double.IsNaN(v))
            .GroupBy(m => m.Replicate).ToDictionary(g => g.Key, g => def.Pick(g.First().Metrics)!.Value);

    private static string TrendSummary(TrendDecision decision)
    {
        static string One(TrendSignalDecision d) => $"{d.Signal.Name} {DeltaCi(d.Signal.Slope)} (Holm-adjusted p {P(d.HolmObserved)})";
        var with = decision.Signals.Where(d => d.Verdict == Verdict.Supported).ToList();
        var against = decision.Signals.Where(d => d.Verdict == Verdict.Contradicted).ToList();
        var open = decision.Signals.Where(d => d.Verdict == Verdict.Inconclusive).ToList();
        string rest = open.Count > 0 ? $"; {string.Join("; ", open.Select(One))} not significant after Holm" : "";
        return decision.Verdict switch
        {
            FindingVerdict.Supported => $"carried by {string.Join("; ", with.Select(One))}{rest}.",
            FindingVerdict.Contradicted => $"carried, against the paper (rising), by {string.Join("; ", against.Select(One))}{rest}.",
            FindingVerdict.Mixed => $"falling as the paper says: {string.Join("; ", with.Select(One))}; rising: {string.Join("; ", against.Select(One))}{rest}.",
            _ => $"no signal is significant after Holm: {string.Join("; ", open.Select(One))}. {SlopeNeeded(open, decision.Signals.Count, decision.Alpha)}",
        };
    }

    // Holm's first step tests the strongest signal at α/m, one-sided; a two-sided test at 2α/m has the same critical
    // value, so PairedPower (two-sided, on a mean and sd) sizes it. The other side's tail it adds is negligible at 80 % power.
    private static string SlopeNeeded(IReadOnlyList<TrendSignalDecision> open, int family, double alpha)
    {
        if (open.Any(d => d.Signal.Slope.N < 2))
            return "One replicate gives no interval; rerun with --replicates 3 or more.";
        return string.Join(" ", open.Select(d =>
        {
            var s = d.Signal.Slope;
            int? k = PairedPower.RequiredReplicates(s.Mean, s.Sd, 2 * alpha / family);
            return $"For {d.Signal.Name}: " + (k is { } n
                ? $"a one-sided test at Holm's first-step level (5 %/{family.ToString(Inv)}) would need ≈ {n.ToString(Inv)} replicates at the observed slope and sd (80 % power)."
                : "no slope observed: no number of replicates would detect it.");
        }));
    }
}
