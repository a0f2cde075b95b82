using OnnxDiffusion.Experiments.Reporting;
using OnnxDiffusion.Experiments.Results;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Experiments.Tests.Reporting;

public class FindingsEvaluatorTests
{
    private static FindingVerdict[] Verdicts(ExperimentResults r) => FindingsEvaluator.Evaluate(r).Select(f => f.Verdict).ToArray();

    [Fact]
    public void All_three_hold_when_the_results_show_them()
    {
        var findings = FindingsEvaluator.Evaluate(TestResults.AllHold());
        Assert.Equal([1, 2, 3], findings.Select(f => f.Number));
        Assert.All(findings, f => Assert.Equal(FindingVerdict.Held, f.Verdict));
        Assert.Contains("at 4 of 4", findings[0].Summary);
        Assert.Contains("4 of 4 signs", findings[1].Summary);
        Assert.Contains("for 2 of 2 classifiers", findings[2].Summary);
        // maxent: real 0.80, synthetic at s = 1 is 0.65: gap 0.15.
        Assert.Contains("largest gap 0.1500", findings[0].Summary);
        Assert.Contains(findings[1].Evidence, e => e.StartsWith("recall: 0.5000 at s = 0.5 → 0.3000 at s = 1") && e.Contains("ρ = -1.00"));
    }

    [Fact]
    public void None_holds_when_the_results_contradict_them()
    {
        Assert.Equal([FindingVerdict.NotHeld, FindingVerdict.NotHeld, FindingVerdict.NotHeld], Verdicts(TestResults.NoneHold()));
    }

    [Fact]
    public void Mixed_when_classifiers_disagree_or_the_gain_is_within_seed_noise()
    {
        var r = TestResults.Make(
            real: _ => 0.80,
            synthetic: (c, s) => s == 0 ? 0.80 : c == "maxent" ? 0.70 : 0.83,
            realPlusSynthetic: (c, s) => s == 0 ? 0.80 : c == "maxent" ? 0.803 : 0.84,
            metrics: s => new SyntheticSetMetrics { Recall = 0.7 - 0.2 * s, Coverage = 0.8 + 0.1 * s, OuterDecileShare = 0.1, CentroidDistanceRatio = 0.9 });
        var f = FindingsEvaluator.Evaluate(r);
        Assert.Equal([FindingVerdict.Mixed, FindingVerdict.Mixed, FindingVerdict.Mixed], f.Select(x => x.Verdict));
        Assert.Contains(f[2].Evidence, e => e.StartsWith("maxent") && e.Contains("gain within the pooled sd"));
        Assert.Contains(f[2].Evidence, e => e.StartsWith("lightgbm") && e.Contains("gain beyond the pooled sd"));
    }

    [Fact]
    public void Seeds_that_change_nothing_give_no_spread_estimate_rather_than_a_clear_gain()
    {
        // Deterministic trainers: every seed gives the same accuracy, so the pooled sd is exactly 0.
        var r = TestResults.AllHold();
        r = r with { Rows = r.Rows.Select(x => x with { Accuracy = Math.Round(x.Accuracy - (x.Seed - TestResults.Seeds[1]) * 0.005, 9) }).ToList() }; // undo the per-seed jitter
        var findings = FindingsEvaluator.Evaluate(r);
        Assert.Equal(FindingVerdict.Held, findings[0].Verdict);          // direction alone decides finding 1
        Assert.Contains("by more than the pooled sd at 0;", findings[0].Summary);
        Assert.Equal(FindingVerdict.Mixed, findings[2].Verdict);          // a gain without any spread estimate is not "clear"
        Assert.Contains(findings[2].Evidence, e => e.Contains("every seed gave the same result"));
    }

    [Fact]
    public void Missing_metrics_make_finding_two_no_data_and_leave_the_others_alone()
    {
        var r = TestResults.AllHold() with { Metrics = [] };
        var f = FindingsEvaluator.Evaluate(r);
        Assert.Equal([FindingVerdict.Held, FindingVerdict.NoData, FindingVerdict.Held], f.Select(x => x.Verdict));
        Assert.Contains("No distribution metrics", f[1].Summary);
    }

    [Fact]
    public void Empty_results_are_no_data_throughout()
    {
        var f = FindingsEvaluator.Evaluate(new ExperimentResults());
        Assert.All(f, x => Assert.Equal(FindingVerdict.NoData, x.Verdict));
        Assert.All(f, x => Assert.Equal("no data", x.VerdictText));
    }

    [Fact]
    public void Strength_zero_rows_do_not_count_as_synthetic_evidence()
    {
        // Only s = 0 rows besides real: the "synthetic" set is the real subset, so there is nothing to judge.
        var r = TestResults.AllHold();
        r = r with { Rows = r.Rows.Where(x => x.Strength is null or 0).ToList() };
        var f = FindingsEvaluator.Evaluate(r);
        Assert.Equal(FindingVerdict.NoData, f[0].Verdict);
        Assert.Equal(FindingVerdict.NoData, f[2].Verdict);
    }

    [Fact]
    public void A_single_reconstruction_strength_is_compared_with_the_real_subset_at_zero()
    {
        var r = TestResults.AllHold();
        r = r with { Metrics = r.Metrics.Where(m => m.Strength != 0.5).ToList() };
        var f = FindingsEvaluator.Evaluate(r)[1];
        Assert.Equal(FindingVerdict.Held, f.Verdict);
        Assert.Contains(f.Evidence, e => e.Contains("from the real subset"));
        Assert.Contains("from s = 0 to s = 1", f.Summary);
    }

    [Fact]
    public void One_strength_of_metrics_is_not_a_trend()
    {
        var r = TestResults.AllHold();
        r = r with { Metrics = r.Metrics.Where(m => m.Strength == 0.5).ToList() };
        Assert.Equal(FindingVerdict.NoData, FindingsEvaluator.Evaluate(r)[1].Verdict);
    }
}
