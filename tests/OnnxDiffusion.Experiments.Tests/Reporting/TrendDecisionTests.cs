using OnnxDiffusion.Experiments.Reporting;
using OnnxDiffusion.Experiments.Statistics;

namespace OnnxDiffusion.Experiments.Tests.Reporting;

public class TrendDecisionTests
{
    // N = 3 and sd = √3 make T = mean, and on 2 df P(T ≤ t) = 1/2 + t/(2√(2 + t²)): the p-values below follow by hand.
    private static TrendSignal Signal(string name, double t) =>
        new(name, new SampleSummary(3, t, Math.Sqrt(3), t - 1, t + 1, 0.90), Direction.Negative);

    [Fact]
    public void Holm_carries_a_signal_that_bonferroni_would_not()
    {
        // paper's side: p = 0.0049262 (t = −10), 0.0188748 (t = −5), 0.7886751 (t = +1); Holm: 3 · 0.0049262 = 0.0147787,
        // 2 · 0.0188748 = 0.0377496 (Bonferroni's 3 · 0.0188748 = 0.0566 would miss it), then 0.7886751
        var d = TrendDecision.Judge([Signal("a", -10), Signal("b", -5), Signal("c", 1)]);
        Assert.Equal(FindingVerdict.Supported, d.Verdict);
        Assert.Equal([Verdict.Supported, Verdict.Supported, Verdict.Inconclusive], d.Signals.Select(s => s.Verdict));
        Assert.Equal(0.0049262285116628, d.Signals[0].PPaper, 1e-9);
        Assert.Equal(0.0147786855349884, d.Signals[0].HolmPaper, 1e-9);
        Assert.Equal(0.037749551350623745, d.Signals[1].HolmPaper, 1e-9);
        Assert.Equal(0.7886751345948129, d.Signals[2].HolmPaper, 1e-9);
        // the other side: 3 · 0.2113249 for c, and the rest capped at 1
        Assert.Equal(0.6339745962155614, d.Signals[2].HolmOther, 1e-9);
        Assert.Equal(1, d.Signals[0].HolmOther);
        Assert.False(d.Signals[2].OnPaperSide);
        Assert.Equal(0.6339745962155614, d.Signals[2].HolmObserved, 1e-9);
    }

    [Fact]
    public void A_signal_either_way_makes_the_claim_mixed()
    {
        var d = TrendDecision.Judge([Signal("a", -10), Signal("b", 0), Signal("c", 10)]);
        Assert.Equal(FindingVerdict.Mixed, d.Verdict);
        Assert.Equal([Verdict.Supported, Verdict.Inconclusive, Verdict.Contradicted], d.Signals.Select(s => s.Verdict));
    }

    [Fact]
    public void Only_the_other_way_is_contradicted_and_neither_way_inconclusive()
    {
        Assert.Equal(FindingVerdict.Contradicted, TrendDecision.Judge([Signal("a", 10), Signal("b", 1)]).Verdict);
        // t = −5 alone would pass at 5 % (p 0.019), but not at 5 %/3 as the first of three
        Assert.Equal(FindingVerdict.Inconclusive, TrendDecision.Judge([Signal("a", -5), Signal("b", 0), Signal("c", 0)]).Verdict);
        Assert.Equal(FindingVerdict.Supported, TrendDecision.Judge([Signal("a", -5)]).Verdict);
    }

    [Fact]
    public void Signals_without_an_interval_count_in_the_family_with_no_evidence()
    {
        var lone = new TrendSignal("one replicate", SampleSummary.Of([-0.5]), Direction.Negative);
        var d = TrendDecision.Judge([Signal("a", -10), lone]);
        Assert.Equal(1, d.Signals[1].PPaper);
        // m = 2: 2 · 0.0049262
        Assert.Equal(2 * 0.0049262285116628, d.Signals[0].HolmPaper, 1e-9);
        Assert.Equal(FindingVerdict.NoData, TrendDecision.Judge([]).Verdict);
    }

    [Fact]
    public void Power_of_support_without_a_trend_is_the_false_supported_rate()
    {
        // each signal lands in the paper's tail at α/3 or the other tail at α/3: (59/60)³ − (29/30)³ = 10267/216000
        const double expected = 10267.0 / 216000;
        Assert.Equal(expected, TrendDecision.PowerOfSupport(5, [0, 0, 0]), 1e-6);
        Assert.Equal(expected, TrendDecision.PowerOfSupport(3, [0, 0, 0]), 1e-6);
    }

    [Fact]
    public void Power_of_support_for_one_signal_is_the_one_sided_t_power()
    {
        // one signal at α is the two-sided test at 2α less its other tail, which is below 1e-4 at d = 2
        Assert.Equal(PairedPower.Power(5, 2, 1, 0.10), TrendDecision.PowerOfSupport(5, [2]), 1e-4);
        Assert.True(TrendDecision.PowerOfSupport(5, [2, 2, 2]) > TrendDecision.PowerOfSupport(5, [2, 0, 0]));
        // a certain signal is still vetoed when a null one lands in the other tail at α/3: (1 − 0.05/3)²
        Assert.Equal(Math.Pow(1 - 0.05 / 3, 2), TrendDecision.PowerOfSupport(5, [50, 0, 0]), 1e-6);
    }
}
