using OnnxDiffusion.Experiments.Statistics;

namespace OnnxDiffusion.Experiments.Tests.Statistics;

public class HolmTests
{
    [Fact]
    public void Adjusted_p_values_are_the_running_maximum_of_the_scaled_sorted_p_values()
    {
        // sorted 0.005, 0.01, 0.03, 0.04 (m = 4): 4·0.005 = 0.02, 3·0.01 = 0.03, 2·0.03 = 0.06, max(0.06, 1·0.04) = 0.06
        double[] adjusted = Holm.Adjust([0.01, 0.04, 0.03, 0.005]);
        Assert.Equal([0.03, 0.06, 0.06, 0.02], adjusted.Select(p => Math.Round(p, 15)));
    }

    [Fact]
    public void Step_down_rejects_until_the_first_p_above_its_threshold()
    {
        // thresholds 0.05/4, 0.05/3, 0.05/2, 0.05: 0.005 and 0.01 pass, 0.03 > 0.025 stops the procedure before 0.04
        Assert.Equal([true, false, false, true], Holm.Reject([0.01, 0.04, 0.03, 0.005], 0.05));
    }

    [Fact]
    public void A_first_p_above_alpha_over_m_rejects_nothing_even_where_later_ones_would_pass()
    {
        // 0.02 > 0.05/3, so 0.021 ≤ 0.025 and 0.022 ≤ 0.05 are never reached; every adjusted value is 3·0.02 = 0.06
        Assert.Equal([false, false, false], Holm.Reject([0.02, 0.021, 0.022], 0.05));
        Assert.All(Holm.Adjust([0.02, 0.021, 0.022]), p => Assert.Equal(0.06, p, 1e-15));
    }

    [Fact]
    public void Holm_rejects_more_than_bonferroni()
    {
        // Bonferroni (0.05/3 each) rejects only 0.01; Holm goes on to 0.02 ≤ 0.025 and 0.03 ≤ 0.05
        Assert.Equal([true, true, true], Holm.Reject([0.01, 0.02, 0.03], 0.05));
        Assert.Equal([0.03, 0.04, 0.04], Holm.Adjust([0.01, 0.02, 0.03]).Select(p => Math.Round(p, 15)));
    }

    [Fact]
    public void Adjusted_values_are_capped_at_one_and_an_empty_family_is_empty()
    {
        Assert.Equal([1.0, 1.0], Holm.Adjust([0.5, 0.6]));
        Assert.Empty(Holm.Adjust([]));
        Assert.Empty(Holm.Reject([], 0.05));
    }

    [Fact]
    public void A_test_is_rejected_exactly_when_its_adjusted_p_is_at_most_alpha()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            var p = Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.NextDouble() * 0.1).ToArray();
            Assert.Equal(Holm.Adjust(p).Select(a => a <= 0.05), Holm.Reject(p, 0.05));
        }
    }

    [Fact]
    public void Values_that_are_not_probabilities_are_rejected()
    {
        Assert.Contains("pValues[1]", Assert.Throws<ArgumentException>(() => Holm.Adjust([0.1, double.NaN])).Message);
        Assert.Throws<ArgumentException>(() => Holm.Reject([1.5], 0.05));
        Assert.Throws<ArgumentOutOfRangeException>(() => Holm.Reject([0.1], 0));
    }
}
