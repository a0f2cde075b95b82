using OnnxDiffusion.Experiments.Statistics;

namespace OnnxDiffusion.Experiments.Tests.Statistics;

public class PairedPowerTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(30)]
    public void No_true_effect_rejects_at_the_test_level(int n)
    {
        Assert.Equal(0.05, PairedPower.Power(n, 0, 1), 1e-6);
        Assert.Equal(0.01, PairedPower.Power(n, 0, 1, alpha: 0.01), 1e-6);
    }

    [Fact]
    public void Power_rises_to_one_with_many_pairs()
    {
        double previous = 0;
        foreach (int n in new[] { 5, 10, 20, 50, 100 })
        {
            double p = PairedPower.Power(n, 0.5, 1);
            Assert.True(p > previous, $"power at n = {n} is {p}, not above {previous}");
            previous = p;
        }
        Assert.True(PairedPower.Power(300, 0.5, 1) > 1 - 1e-9);
    }

    // two-tailed α = 0.05, at the published sample sizes below and one pair fewer (so 0.8 is crossed exactly there):
    // computed independently in float64 by a second formula, ∫ φ(z)·F_χ²(ν(z+δ)²/c²) dz, and each within 0.0015 of a
    // 200,000-run Monte Carlo simulation of the paired t-test
    [Theory]
    [InlineData(34, 0.5, 0.8077775)]
    [InlineData(33, 0.5, 0.7953658)]
    [InlineData(15, 0.8, 0.8213105)]
    [InlineData(14, 0.8, 0.7900878)]
    [InlineData(10, 1.0, 0.8030969)]
    [InlineData(9, 1.0, 0.7480171)]
    [InlineData(5, 2.0, 0.9088849)]
    public void Power_matches_independently_computed_values(int n, double dz, double expected)
    {
        Assert.Equal(expected, PairedPower.Power(n, dz, 1), 1e-6);
    }

    // Cohen (1988) / G*Power sample sizes for the two-sided paired t-test at α = 0.05, power 0.80
    [Theory]
    [InlineData(0.5, 34)]
    [InlineData(0.8, 15)]
    [InlineData(1.0, 10)]
    public void Required_replicates_match_published_sample_sizes(double dz, int expected)
    {
        Assert.Equal(expected, PairedPower.RequiredReplicates(dz, 1));
        // only the standardised effect matters, and its sign does not for a two-sided test
        Assert.Equal(expected, PairedPower.RequiredReplicates(-dz * 0.03, 0.03));
    }

    [Fact]
    public void Required_replicates_is_the_smallest_n_that_reaches_the_power()
    {
        foreach (double dz in new[] { 0.3, 0.65, 1.4, 3.0 })
        {
            int n = PairedPower.RequiredReplicates(dz, 1, power: 0.9)!.Value;
            Assert.True(PairedPower.Power(n, dz, 1) >= 0.9);
            if (n > 2)
                Assert.True(PairedPower.Power(n - 1, dz, 1) < 0.9);
        }
    }

    [Theory]
    [InlineData(0.4, 0.05, 0.8)]
    [InlineData(1.2, 0.05, 0.95)]
    [InlineData(2.5, 0.001, 0.8)]
    [InlineData(0.7, 0.001, 0.5)]
    public void Required_replicates_agrees_with_a_plain_scan_over_n(double dz, double alpha, double power)
    {
        int scanned = 2;
        while (PairedPower.Power(scanned, dz, 1, alpha) < power)
            scanned++;
        Assert.Equal(scanned, PairedPower.RequiredReplicates(dz, 1, alpha, power));
    }

    [Fact]
    public void Exact_power_agrees_with_simulated_paired_t_tests()
    {
        const int n = 5, runs = 20_000;
        var normal = new SeededNormal(seed: 5);
        double critical = StudentT.Quantile(0.975, n - 1);
        int rejections = 0;
        for (int r = 0; r < runs; r++)
        {
            var d = SampleSummary.Of(normal.Next(n, mean: 1, sd: 1));
            if (Math.Abs(d.Mean / (d.Sd / Math.Sqrt(n))) > critical)
                rejections++;
        }
        Assert.Equal(PairedPower.Power(n, 1, 1), (double)rejections / runs, 0.01);
    }

    [Theory]
    [InlineData(0.02)]
    [InlineData(-0.5)]
    public void No_spread_with_a_real_difference_needs_only_two_replicates(double effect)
    {
        Assert.Equal(2, PairedPower.RequiredReplicates(effect, 0));
        Assert.Equal(1.0, PairedPower.Power(2, effect, 0));
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.0, 0.0)]
    [InlineData(double.NaN, 1.0)]
    [InlineData(0.5, double.NaN)]
    public void No_finite_answer_gives_null(double effect, double sd)
    {
        Assert.Null(PairedPower.RequiredReplicates(effect, sd));
    }

    [Fact]
    public void An_answer_beyond_maxN_gives_null()
    {
        Assert.Null(PairedPower.RequiredReplicates(0.5, 1, maxN: 33));
        Assert.Equal(34, PairedPower.RequiredReplicates(0.5, 1, maxN: 34));
    }

    [Fact]
    public void Tiny_effects_are_answered_near_the_normal_approximation()
    {
        // (z_0.975 + z_0.8)² / d² = 7.849 / 1e-4 ≈ 78,489 pairs; the t correction adds about two
        int n = PairedPower.RequiredReplicates(0.01, 1)!.Value;
        Assert.InRange(n, 78_480, 78_500);
        Assert.Null(PairedPower.RequiredReplicates(0.005, 1));
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PairedPower.Power(1, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairedPower.Power(5, 1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairedPower.Power(5, 1, 1, alpha: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairedPower.RequiredReplicates(1, 1, power: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairedPower.RequiredReplicates(1, 1, maxN: 1));
    }
}
