using OnnxDiffusion.Experiments.Statistics;

namespace OnnxDiffusion.Experiments.Tests.Statistics;

/// <summary>Simulated paired experiments shaped like the runner's (5 seeds, accuracy near 0.8): the intervals must behave as advertised.</summary>
public class CalibrationTests
{
    private const int Experiments = 200, Replicates = 5;
    private const double SdBetweenSeeds = 0.02, SdOfDifferences = 0.01;

    private static int CountExcludingZero(double trueShift, int seed)
    {
        var normal = new SeededNormal(seed);
        int excluding = 0;
        for (int e = 0; e < Experiments; e++)
        {
            var baseline = normal.Next(Replicates, mean: 0.8, sd: SdBetweenSeeds);
            var treated = baseline.Select(b => b + trueShift + normal.Next(0, SdOfDifferences)).ToArray();
            var d = PairedDifference.Of(treated, baseline);
            if (d.CiLow > 0 || d.CiHigh < 0)
                excluding++;
        }
        return excluding;
    }

    [Fact]
    public void With_no_true_difference_about_five_percent_of_intervals_exclude_zero()
    {
        // Binomial(200, 0.05): mean 10, sd 3.1
        Assert.InRange(CountExcludingZero(trueShift: 0, seed: 1), 6, 16);
    }

    [Fact]
    public void A_two_sd_shift_is_detected_about_as_often_as_the_exact_power_says()
    {
        double share = (double)CountExcludingZero(trueShift: 2 * SdOfDifferences, seed: 2) / Experiments;
        double power = PairedPower.Power(Replicates, 2, 1);

        // The issue asks for ≥ 90 %. The exact power here is only 0.909 (checked by simulation too), so that floor holds
        // for this fixed seed (185 of 200) but would fail for about one seed in three; the agreement with the exact power
        // below is the check that does not depend on the seed.
        Assert.True(share >= 0.90, $"detected in {share:P1} of experiments");
        Assert.Equal(power, share, 0.06);
    }
}
