using OnnxDiffusion.Experiments.Reporting;
using OnnxDiffusion.Experiments.Results;

namespace OnnxDiffusion.Experiments.Tests.Reporting;

public class FindingsEvaluatorTests
{
    private static FindingVerdict[] Verdicts(ExperimentResults r) => FindingsEvaluator.Evaluate(r).Select(f => f.Verdict).ToArray();

    [Fact]
    public void Effects_well_outside_the_replicate_noise_are_supported()
    {
        var findings = FindingsEvaluator.Evaluate(TestResults.AllSupported());
        Assert.Equal([1, 2, 3], findings.Select(f => f.Number));
        Assert.All(findings, f => Assert.Equal(FindingVerdict.Supported, f.Verdict));
        Assert.All(findings, f => Assert.Equal("supported", f.VerdictText));
        // Finding 1 is judged on the pre-specified generated set: Δ −0.15 exactly, the per-replicate offsets cancel.
        Assert.Contains("maxent: generated − real −0.1500 [", findings[0].Summary);
        // Finding 2 runs over the reconstructions; with one strength above 0 here, from the real subset.
        Assert.Contains("over real → synthetic s = 0.5", findings[1].Summary);
        Assert.Contains("carried by coverage −0.5000 [", findings[1].Summary);
        Assert.Contains(findings[1].Evidence, e => e.Contains("generated set (pure noise, for comparison)"));
    }

    [Fact]
    public void Effects_against_the_paper_are_contradicted()
    {
        Assert.Equal([FindingVerdict.Contradicted, FindingVerdict.Contradicted, FindingVerdict.Contradicted],
            Verdicts(TestResults.AllContradicted()));
    }

    [Fact]
    public void No_effect_is_inconclusive_at_that_R_with_the_replicates_a_test_would_need()
    {
        var findings = FindingsEvaluator.Evaluate(TestResults.NoEffect());
        Assert.All(findings, f => Assert.Equal(FindingVerdict.Inconclusive, f.Verdict));
        Assert.All(findings, f => Assert.Equal("inconclusive at R = 5", f.VerdictText));
        // The built-in effect is exactly 0, so no number of replicates would detect it, and the report says so.
        Assert.Contains("no effect observed", findings[0].Summary);
    }

    [Fact]
    public void A_small_effect_is_inconclusive_and_names_the_replicates_a_paired_test_would_need()
    {
        // Δ = −0.003 against a paired sd of 0.004 · sd(pattern) = 0.00316 (95 % half-width 0.0039): d ≈ 0.95, about 11 replicates.
        var r = TestResults.Make((_, set, _) => set == TrainSets.Generated ? -0.003 : 0, null);
        var f = FindingsEvaluator.Evaluate(r)[0];
        Assert.Equal(FindingVerdict.Inconclusive, f.Verdict);
        var needed = System.Text.RegularExpressions.Regex.Match(f.Summary, "need ≈ (\\d+) replicates");
        Assert.True(needed.Success, f.Summary);
        Assert.InRange(int.Parse(needed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 6, 30);
    }

    [Fact]
    public void Classifiers_that_disagree_make_a_mixed_finding()
    {
        var r = TestResults.Make((c, set, _) => set == TrainSets.Generated ? (c == "maxent" ? -0.05 : 0.05) : 0, null);
        var f = FindingsEvaluator.Evaluate(r)[0];
        Assert.Equal(FindingVerdict.Mixed, f.Verdict);
        Assert.Contains("maxent: generated − real −0.0500 [", f.Summary);
        Assert.Contains("(supported)", f.Summary);
        Assert.Contains("(contradicted)", f.Summary);
        // the overall "mixed" is read per kind: one verdict per classifier, in the run's classifier order
        Assert.Equal([("maxent", FindingVerdict.Supported), ("lightgbm", FindingVerdict.Contradicted)], f.PerKind.Select(k => (k.Kind, k.Verdict)));
        Assert.StartsWith("generated − real: Δ −0.0500 [", f.PerKind[0].Summary);
        Assert.Equal("contradicted", f.PerKind[1].VerdictText);
    }

    [Fact]
    public void Findings_one_and_three_are_judged_per_kind_as_well_as_overall()
    {
        var f = FindingsEvaluator.Evaluate(TestResults.AllSupported());
        Assert.All([f[0], f[2]], x => Assert.Equal(["maxent", "lightgbm"], x.PerKind.Select(k => k.Kind)));
        Assert.All([f[0], f[2]], x => Assert.All(x.PerKind, k => Assert.Equal(FindingVerdict.Supported, k.Verdict)));
        Assert.All([f[0], f[2]], x => Assert.Null(x.NotPerKind));
        Assert.StartsWith("best of 2, real+synthetic s = 0.5 − real (chosen on the test set; 97.5 % Bonferroni interval): Δ +0.0300 [", f[2].PerKind[0].Summary);
    }

    [Fact]
    public void A_kind_inconclusive_on_its_own_says_what_it_would_need()
    {
        // Δ −0.003 for lightgbm only: maxent supported, lightgbm inconclusive, overall mixed
        var r = TestResults.Make((c, set, _) => set == TrainSets.Generated ? (c == "maxent" ? -0.05 : -0.003) : 0, null);
        var f = FindingsEvaluator.Evaluate(r)[0];
        Assert.Equal(FindingVerdict.Mixed, f.Verdict);
        var lightgbm = f.PerKind.Single(k => k.Kind == "lightgbm");
        Assert.Equal("inconclusive at R = 5", lightgbm.VerdictText);
        Assert.Contains("a paired test would need ≈ ", lightgbm.Summary);
        Assert.Equal(5, lightgbm.Replicates);
    }

    [Fact]
    public void A_kind_in_the_setup_without_rows_has_no_data_of_its_own()
    {
        var r = TestResults.AllSupported();
        r = r with { Setup = r.Setup with { Classifiers = [.. r.Setup.Classifiers, "resnet18"] } };
        var f = FindingsEvaluator.Evaluate(r);
        Assert.Equal(FindingVerdict.Supported, f[0].Verdict);
        Assert.Equal(FindingVerdict.NoData, f[0].PerKind.Single(k => k.Kind == "resnet18").Verdict);
        Assert.Equal("no data", f[2].PerKind.Single(k => k.Kind == "resnet18").VerdictText);
    }

    [Fact]
    public void One_replicate_gives_no_interval_and_every_finding_is_inconclusive()
    {
        var f = FindingsEvaluator.Evaluate(TestResults.AllSupported(replicates: 1));
        Assert.All(f, x => Assert.Equal(FindingVerdict.Inconclusive, x.Verdict));
        Assert.All(f, x => Assert.Equal("inconclusive at R = 1", x.VerdictText));
        Assert.Contains("one replicate gives no interval", f[0].Summary);
    }

    [Fact]
    public void The_best_real_plus_synthetic_set_is_judged_on_a_selection_adjusted_interval()
    {
        // A gain whose plain 95 % interval just excludes 0 but whose Bonferroni interval over the two candidates does not.
        // Paired sd 0.004·sd(pattern) = 0.00316; 95 %: ± 0.00393; 97.5 %: ± 0.00494.
        var r = TestResults.Make((_, set, s) => set == TrainSets.RealPlusSynthetic && s > 0 ? 0.0045 : 0, null);
        var f = FindingsEvaluator.Evaluate(r)[2];
        Assert.Equal(FindingVerdict.Inconclusive, f.Verdict);
        Assert.Contains("best of 2, real+synthetic s = 0.5 − real (chosen on the test set; 97.5 % Bonferroni interval)", f.Summary);
        Assert.Contains(f.Evidence, e => e.Contains("excluding 0 at 1 of 2 sets"));
    }

    [Fact]
    public void A_spread_of_zero_is_not_special_cased()
    {
        // Every replicate moves by exactly the same amount: sd 0, a zero-width interval at −0.05, which excludes 0.
        var r = TestResults.AllSupported();
        r = r with
        {
            Rows = r.Rows.Select(x => x.TrainSet == TrainSets.Generated
                ? x with { Accuracy = r.Rows.Single(y => y.TrainSet == TrainSets.Real && y.Replicate == x.Replicate && y.Classifier == x.Classifier).Accuracy - 0.05 }
                : x).ToList(),
        };
        var f = FindingsEvaluator.Evaluate(r)[0];
        Assert.Equal(FindingVerdict.Supported, f.Verdict);
        Assert.Contains("−0.0500 [−0.0500, −0.0500]", f.Summary);
    }

    [Fact]
    public void Missing_metrics_make_finding_two_no_data_and_leave_the_others_alone()
    {
        var r = TestResults.AllSupported() with { Metrics = [] };
        Assert.Equal([FindingVerdict.Supported, FindingVerdict.NoData, FindingVerdict.Supported], Verdicts(r));
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
        var r = TestResults.AllSupported();
        r = r with { Rows = r.Rows.Where(x => x.TrainSet == TrainSets.Real || x.Strength == 0).ToList() };
        var f = FindingsEvaluator.Evaluate(r);
        Assert.Equal(FindingVerdict.NoData, f[0].Verdict);
        Assert.Equal(FindingVerdict.NoData, f[2].Verdict);
    }

    [Fact]
    public void Without_a_generated_set_finding_one_uses_the_highest_strength()
    {
        var r = TestResults.AllSupported();
        r = r with { Rows = r.Rows.Where(x => x.TrainSet is not (TrainSets.Generated or TrainSets.RealPlusGenerated)).ToList() };
        var f = FindingsEvaluator.Evaluate(r)[0];
        Assert.Equal(FindingVerdict.Supported, f.Verdict);
        Assert.Contains("maxent: synthetic s = 0.5 − real −0.1000 [", f.Summary);
    }

    [Fact]
    public void A_single_reconstruction_strength_is_compared_with_the_real_subset()
    {
        var r = TestResults.AllSupported();
        var f = FindingsEvaluator.Evaluate(r)[1];
        Assert.Equal(FindingVerdict.Supported, f.Verdict);
        Assert.Contains(f.Evidence, e => e.Contains("from the real subset"));
        Assert.Contains("real → synthetic s = 0.5", f.Summary);
        // two points, the real subset at strength 0 and s = 0.5: the slope is the endpoint difference over 0.5
        Assert.Contains(f.Evidence, e => e.StartsWith("coverage: slope −0.5000 [", StringComparison.Ordinal)
                                         && e.Contains("endpoint real → synthetic s = 0.5 Δ −0.2500 ["));
    }

    [Fact]
    public void One_reconstruction_strength_without_the_real_ceiling_is_not_a_trend()
    {
        var r = TestResults.AllSupported();
        r = r with { Metrics = r.Metrics.Where(m => m.Set != MetricSets.Real).ToList() };
        Assert.Equal(FindingVerdict.NoData, FindingsEvaluator.Evaluate(r)[1].Verdict);
    }
}
