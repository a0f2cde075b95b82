using OnnxDiffusion.Experiments.Reporting;
using OnnxDiffusion.Experiments.Results;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Experiments.Tests.Reporting;

/// <summary>Finding 2 judged on the trend it states: within-replicate slopes over the strengths above 0, Holm across three signals.</summary>
public class TrendFindingTests
{
    private static readonly double[] Sweep = [0, 0.2, 0.4, 0.6, 0.8];

    // Replicate r's slope is the built-in one plus 0.01·Deviation[r], which sums to 0: the mean slope is the one built in,
    // with sd 0.01·√(2.5/4) = 0.0079057 and a 90 % half-width of t_{0.95,4} · 0.0079057/√5 = 2.131847 · 0.0035355 = 0.0075374.
    private static readonly double[] Deviation = [1, -1, 0.5, -0.5, 0];
    private static readonly double[] Level = [-0.02, 0.01, 0, 0.02, -0.01];

    private static ExperimentResults Results(double coverage, double recall, double outer, double ratio = 0, double[]? strengths = null,
        Func<int, double?, bool>? keep = null)
    {
        var rows = new List<SetMetricsRow>();
        for (int r = 0; r < 5; r++)
        {
            double Value(double start, double slope, double s) => start + Level[r] + (slope + 0.01 * Deviation[r]) * s;
            SetMetricsRow Row(string set, double? s) => new()
            {
                Replicate = r, Set = set, Strength = s,
                Metrics = new SyntheticSetMetrics
                {
                    Coverage = Value(0.9, coverage, s ?? 0), Recall = Value(0.9, recall, s ?? 0),
                    OuterDecileShare = Value(0.1, outer, s ?? 0), CentroidDistanceRatio = Value(1, ratio, s ?? 0),
                },
            };
            rows.Add(Row(MetricSets.Real, null));
            rows.AddRange((strengths ?? Sweep).Select(s => Row(MetricSets.Synthetic, s)));
        }
        return new ExperimentResults { Strengths = strengths ?? Sweep, Metrics = rows.Where(m => keep?.Invoke(m.Replicate, m.Strength) ?? true).ToList() };
    }

    private static Finding Two(ExperimentResults r) => FindingsEvaluator.Evaluate(r)[1];

    [Fact]
    public void A_fall_in_every_signal_is_supported_over_the_strengths_above_zero()
    {
        var f = Two(Results(coverage: -0.3, recall: -0.2, outer: -0.05, ratio: -0.2));
        Assert.Equal(FindingVerdict.Supported, f.Verdict);
        Assert.Contains("over synthetic s = 0.2 → synthetic s = 0.8 (4 strengths)", f.Summary);
        Assert.Contains("Holm across coverage, recall and outer-decile share at 5 %", f.Summary);
        Assert.Contains("carried by coverage −0.3000 [−0.3075, −0.2925] (Holm-adjusted p < 0.0001); recall −0.2000 [", f.Summary);
        Assert.DoesNotContain("not significant", f.Summary);
        var coverage = Assert.Single(f.Evidence, e => e.StartsWith("coverage:", StringComparison.Ordinal));
        // the endpoint is kept as evidence: −0.3 per unit strength over 0.2 → 0.8 is −0.18
        Assert.Contains("slope −0.3000 [−0.3075, −0.2925] per unit strength (90 % t-interval over R = 5), falling", coverage);
        Assert.Contains("endpoint synthetic s = 0.2 → synthetic s = 0.8 Δ −0.1800 [", coverage);
        Assert.Contains("falls at every step", coverage);
        Assert.Contains(f.Evidence, e => e.StartsWith("centroid-distance ratio: slope −0.2000 [", StringComparison.Ordinal) && e.Contains("secondary (outside the Holm family)"));
    }

    [Fact]
    public void One_signal_can_carry_the_finding_and_the_summary_names_it()
    {
        var f = Two(Results(coverage: -0.05, recall: 0, outer: 0));
        Assert.Equal(FindingVerdict.Supported, f.Verdict);
        Assert.Contains("carried by coverage −0.0500 [", f.Summary);
        Assert.Contains("not significant after Holm", f.Summary);
        Assert.Contains(f.Evidence, e => e.StartsWith("recall:", StringComparison.Ordinal) && e.Contains("→ inconclusive"));
    }

    [Fact]
    public void A_rise_against_the_paper_contradicts_and_both_make_it_mixed()
    {
        Assert.Equal(FindingVerdict.Contradicted, Two(Results(coverage: 0.05, recall: 0, outer: 0)).Verdict);
        var mixed = Two(Results(coverage: -0.05, recall: 0, outer: 0.05));
        Assert.Equal(FindingVerdict.Mixed, mixed.Verdict);
        Assert.Contains("falling as the paper says: coverage −0.0500 [", mixed.Summary);
        Assert.Contains("rising: outer-decile share +0.0500 [", mixed.Summary);
    }

    [Fact]
    public void The_secondary_signal_does_not_decide()
    {
        var f = Two(Results(coverage: 0, recall: 0, outer: 0, ratio: -0.3));
        Assert.Equal(FindingVerdict.Inconclusive, f.Verdict);
    }

    [Fact]
    public void A_small_slope_is_inconclusive_with_the_replicates_a_one_sided_test_would_need()
    {
        // d = 0.004/0.0079057 = 0.51 at the Holm first-step level 5 %/3, one-sided: about 37 replicates
        var f = Two(Results(coverage: -0.004, recall: 0, outer: 0));
        Assert.Equal(FindingVerdict.Inconclusive, f.Verdict);
        Assert.Contains("no signal is significant after Holm", f.Summary);
        var needed = System.Text.RegularExpressions.Regex.Match(f.Summary, "For coverage: a one-sided test at Holm's first-step level \\(5 %/3\\) would need ≈ (\\d+) replicates");
        Assert.True(needed.Success, f.Summary);
        Assert.InRange(int.Parse(needed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 25, 50);
    }

    [Fact]
    public void Replicates_missing_a_strength_are_left_out_of_the_slopes()
    {
        var f = Two(Results(coverage: -0.3, recall: -0.2, outer: -0.05, keep: (r, s) => !(r == 4 && s == 0.4)));
        Assert.Equal(FindingVerdict.Supported, f.Verdict);
        Assert.All(f.Evidence, e => Assert.Contains("over R = 4)", e));
    }

    [Fact]
    public void The_finding_is_not_per_classifier_and_says_so()
    {
        var f = Two(Results(coverage: -0.3, recall: -0.2, outer: -0.05));
        Assert.Empty(f.PerKind);
        Assert.Contains("no classifier enters", f.NotPerKind);
        Assert.NotNull(Two(new ExperimentResults()).NotPerKind);
    }

    [Fact]
    public void One_replicate_has_no_test_and_says_how_to_get_one()
    {
        var f = Two(Results(coverage: -0.3, recall: -0.2, outer: -0.05, keep: (r, _) => r == 0));
        Assert.Equal(FindingVerdict.Inconclusive, f.Verdict);
        Assert.Contains("One replicate gives no interval; rerun with --replicates 3 or more.", f.Summary);
    }
}
