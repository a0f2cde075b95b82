using OnnxDiffusion.Experiments.Reporting;
using OnnxDiffusion.Experiments.Statistics;

namespace OnnxDiffusion.Experiments.Tests.Statistics;

/// <summary>
/// Simulated sweeps shaped like finding 2's (strengths 0.2 … 0.8, R = 5, three signals) judged by the evaluator's own
/// path, <see cref="TrendSlope.OverReplicates"/> then <see cref="TrendDecision.Judge"/>: the verdict must come out as
/// often as the test's level and power say.
/// </summary>
public class TrendCalibrationTests
{
    private const int Experiments = 2000, Replicates = 5, Signals = 3;
    private static readonly double[] Strengths = [0.2, 0.4, 0.6, 0.8];

    // A replicate's own level (its real subset's luck, shared by its whole sweep), its own slope deviation, and noise per
    // point. The level drops out of a within-replicate slope; the other two make the sd of one replicate's estimated slope
    // √(SdReplicateSlope² + SdPoint²/Σ(s − s̄)²) = √(0.02² + 0.01²/0.2) = 0.03.
    private const double SdLevel = 0.05, SdReplicateSlope = 0.02, SdPoint = 0.01;
    private const double SdSlopeEstimate = 0.03;

    // "A true slope of 2 sd per unit strength": the true slope is 2 × the sd of the per-replicate slope estimates, the
    // quantity the t-test over replicates divides by. That is the same standardised effect (d = 2 at R = 5) as the "2 sd
    // shift" of the paired-difference calibration, so the two calibrations ask the same of their tests.
    private const double TrueSlope = -2 * SdSlopeEstimate;

    private static FindingVerdict[] Simulate(double[] slopes, int seed)
    {
        var normal = new SeededNormal(seed);
        var verdicts = new FindingVerdict[Experiments];
        for (int e = 0; e < Experiments; e++)
        {
            var signals = new TrendSignal[Signals];
            for (int k = 0; k < Signals; k++)
            {
                var sweeps = new IReadOnlyList<double>[Replicates];
                for (int r = 0; r < Replicates; r++)
                {
                    double level = normal.Next(0.8, SdLevel), slope = slopes[k] + normal.Next(0, SdReplicateSlope);
                    sweeps[r] = Strengths.Select(s => level + slope * s + normal.Next(0, SdPoint)).ToArray();
                }
                signals[k] = new TrendSignal($"signal {k}", TrendSlope.OverReplicates(Strengths, sweeps, 0.90), Direction.Negative);
            }
            verdicts[e] = TrendDecision.Judge(signals).Verdict;
        }
        return verdicts;
    }

    private static double Share(FindingVerdict[] verdicts, FindingVerdict v) => (double)verdicts.Count(x => x == v) / verdicts.Length;

    // The exact rate, for independent signals, in units of the slope estimate's sd, positive in the paper's (negative) direction.
    private static double ExactSupported(double[] slopes) =>
        TrendDecision.PowerOfSupport(Replicates, slopes.Select(b => -b / SdSlopeEstimate).ToArray());

    [Fact]
    public void With_no_true_slope_a_supported_verdict_comes_out_about_five_percent_of_the_time()
    {
        var verdicts = Simulate([0, 0, 0], seed: 11);
        double supported = Share(verdicts, FindingVerdict.Supported);
        double exact = ExactSupported([0, 0, 0]);
        // (1 − 0.05/3)³ − (1 − 0.1/3)³ = 10267/216000 = 0.04753; Binomial(2000, 0.0475) has sd 0.0048, so 3–8 % is over 3.5 sd either side
        Assert.Equal(10267.0 / 216000, exact, 1e-6);
        Assert.InRange(supported, 0.03, 0.08);
        Assert.Equal(exact, supported, 0.015);
        // the mirror claim is tested the same way, so it is called as often
        Assert.Equal(exact, Share(verdicts, FindingVerdict.Contradicted), 0.015);
    }

    [Fact]
    public void A_true_slope_of_two_sd_per_unit_strength_in_every_signal_is_detected_as_often_as_the_exact_power_says()
    {
        var verdicts = Simulate([TrueSlope, TrueSlope, TrueSlope], seed: 12);
        double detected = Share(verdicts, FindingVerdict.Supported);
        double exact = ExactSupported([TrueSlope, TrueSlope, TrueSlope]);
        Assert.True(detected >= 0.80, $"detected in {detected:P1} of experiments (exact power {exact:P1})");
        Assert.Equal(exact, detected, 0.02);
    }

    [Fact]
    public void A_true_slope_in_one_signal_alone_is_detected_as_often_as_the_exact_power_says()
    {
        // Holm's price for three signals: a signal that carries the trend alone is tested at α/3 first, so it is found
        // less often than at α; this holds the simulation to the exact rate rather than to 80 %.
        var verdicts = Simulate([TrueSlope, 0, 0], seed: 13);
        double detected = Share(verdicts, FindingVerdict.Supported);
        double exact = ExactSupported([TrueSlope, 0, 0]);
        Assert.Equal(exact, detected, 0.03);
    }
}
