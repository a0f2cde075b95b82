using OnnxDiffusion.Experiments.Statistics;

namespace OnnxDiffusion.Experiments.Tests.Statistics;

public class PairedDifferenceTests
{
    // replicates differ a lot from each other (seed effect) but the treatment lowers every one by about 0.02
    private static readonly double[] Baseline = [0.70, 0.80, 0.90, 0.75, 0.85];
    private static readonly double[] Treated = [0.68, 0.779, 0.881, 0.731, 0.83];

    [Fact]
    public void Differences_are_taken_per_replicate()
    {
        var d = PairedDifference.Of(Treated, Baseline);

        // differences −0.020, −0.021, −0.019, −0.019, −0.020: mean −0.0198, Σ(dev²) = 2.8e-6, sd = √(7e-7)
        Assert.Equal(5, d.N);
        Assert.Equal(-0.0198, d.Mean, 1e-12);
        Assert.Equal(Math.Sqrt(7e-7), d.Sd, 1e-12);
        Assert.Equal(2.776445 * Math.Sqrt(7e-7) / Math.Sqrt(5), d.HalfWidth, 1e-8);
    }

    [Fact]
    public void Paired_interval_excludes_zero_where_the_unpaired_groups_overlap_widely()
    {
        var paired = PairedDifference.Of(Treated, Baseline);
        var treated = SampleSummary.Of(Treated);
        var baseline = SampleSummary.Of(Baseline);

        Assert.True(paired.CiHigh < 0);
        // each group's interval is several times wider than the shift, so comparing the groups would find nothing
        Assert.True(treated.CiHigh > baseline.CiLow && baseline.CiHigh > treated.CiLow);
        double overlap = Math.Min(treated.CiHigh, baseline.CiHigh) - Math.Max(treated.CiLow, baseline.CiLow);
        Assert.True(overlap > 0.8 * Math.Min(treated.CiHigh - treated.CiLow, baseline.CiHigh - baseline.CiLow));
    }

    [Fact]
    public void Order_of_the_replicates_matters_which_a_difference_of_means_would_ignore()
    {
        // same two groups, baseline reversed: the mean difference is unchanged but the pairing is broken
        var reversed = PairedDifference.Of(Treated, Baseline.Reverse().ToArray());
        var paired = PairedDifference.Of(Treated, Baseline);

        Assert.Equal(paired.Mean, reversed.Mean, 1e-12);
        Assert.True(reversed.Sd > 20 * paired.Sd);
        Assert.True(reversed.CiLow < 0 && reversed.CiHigh > 0);
    }

    [Fact]
    public void Lengths_that_differ_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => PairedDifference.Of([1, 2, 3], [1, 2]));
    }

    [Fact]
    public void NaN_in_either_arm_is_rejected_naming_the_arm_and_index()
    {
        var e = Assert.Throws<ArgumentException>(() => PairedDifference.Of([1, 2, 3], [1, double.NaN, 3]));
        Assert.Contains("baseline[1]", e.Message);
    }
}
