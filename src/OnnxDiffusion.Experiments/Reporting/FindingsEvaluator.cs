using OnnxDiffusion.Experiments.Results;
using static OnnxDiffusion.Experiments.Reporting.ReportFormat;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>
/// Judges the paper's three findings (Yamaguchi, ACML 2025) on one run's results. Pure: the same results give the same findings.
/// Strength 0 is left out of every classifier comparison because its "synthetic" set is the real subset itself.
/// </summary>
public static class FindingsEvaluator
{
    // Seeds that reproduce the same accuracy leave only rounding noise in the sd (≈ 1e-17).
    private const double NoSpread = 1e-9;

    /// <summary>The paper's claim behind finding 1.</summary>
    public const string Claim1 = "Synthetic data of the same size train worse classifiers than real data.";

    /// <summary>The paper's claim behind finding 2.</summary>
    public const string Claim2 = "As the start step grows, reconstructions crowd into the modes of the distribution and miss its outer edges.";

    /// <summary>The paper's claim behind finding 3.</summary>
    public const string Claim3 = "Real + synthetic data train better classifiers than real data alone.";

    /// <summary>Findings 1, 2 and 3, in that order.</summary>
    public static IReadOnlyList<Finding> Evaluate(ExperimentResults results)
    {
        var cells = AccuracySummary.Of(results);
        var classifiers = AccuracySummary.Classifiers(results);
        return [SyntheticBelowReal(cells, classifiers), ModeCrowding(results.Metrics), RealPlusSyntheticHelps(cells, classifiers)];
    }

    private static Finding SyntheticBelowReal(IReadOnlyList<AccuracyCell> cells, IReadOnlyList<string> classifiers)
    {
        var evidence = new List<string>();
        int pairs = 0, below = 0, beyondSd = 0;
        double largestGap = double.NegativeInfinity;
        string largestAt = "";
        foreach (var c in classifiers)
        {
            var real = Cell(cells, TrainSets.Real, c, null);
            var synth = SyntheticCells(cells, TrainSets.Synthetic, c);
            if (real is null || synth.Count == 0)
            {
                evidence.Add($"{c}: {(real is null ? "no real rows" : "no synthetic rows at strength > 0")}, not compared");
                continue;
            }
            var parts = new List<string>();
            foreach (var s in synth)
            {
                double gap = real.MeanAccuracy - s.MeanAccuracy;
                double pooled = SampleStatistics.PooledStandardDeviation(real.Count, real.SdAccuracy, s.Count, s.SdAccuracy);
                pairs++;
                if (gap > 0)
                    below++;
                // A pooled sd of exactly 0 means the seeds changed nothing (the trainers are deterministic given
                // their data): that is no spread estimate, not an infinitely precise one.
                if (pooled > NoSpread && gap > pooled)
                    beyondSd++;
                if (gap > largestGap)
                    (largestGap, largestAt) = (gap, $"{c} at s = {Strength(s.Strength!.Value)}");
                parts.Add($"s = {Strength(s.Strength!.Value)}: {MeanSd(s.MeanAccuracy, s.SdAccuracy)} ({Signed(-gap)}; pooled sd {Num(pooled)})");
            }
            evidence.Add($"{c}: real {MeanSd(real.MeanAccuracy, real.SdAccuracy)} ({real.Count} seeds); synthetic " + string.Join("; ", parts));
        }
        if (pairs == 0)
            return new Finding(1, Claim1, FindingVerdict.NoData,
                "No classifier has both real rows and synthetic rows at a strength above 0.", evidence);
        var verdict = below == pairs ? FindingVerdict.Held : below == 0 ? FindingVerdict.NotHeld : FindingVerdict.Mixed;
        string summary = $"Synthetic below real at {below} of {pairs} (classifier, strength) pairs, by more than the pooled sd at {beyondSd}; " +
                         $"largest gap {Num(largestGap)} ({largestAt}).";
        return new Finding(1, Claim1, verdict, summary, evidence);
    }

    private static Finding ModeCrowding(IReadOnlyList<StrengthMetrics> metrics)
    {
        if (metrics.Count == 0)
            return new Finding(2, Claim2, FindingVerdict.NoData, "No distribution metrics in these results.", []);
        var ordered = metrics.OrderBy(m => m.Strength).ToList();
        var trend = ordered.Where(m => m.Strength > 0).ToList();
        var evidence = new List<string>();
        if (trend.Count == 1 && ordered[0].Strength <= 0)
        {
            // With a single reconstruction strength, the strength-0 set (the real subset) is the only baseline left.
            trend.Insert(0, ordered[0]);
            evidence.Add("only one strength above 0: the trend runs from the real subset (s = 0)");
        }
        if (trend.Count < 2)
            return new Finding(2, Claim2, FindingVerdict.NoData,
                $"Distribution metrics at {metrics.Count} strength(s); a trend needs two or more.", evidence);

        var strengths = trend.Select(m => m.Strength).ToList();
        var falling = new List<string>();
        int signals = 0;
        foreach (var (name, pick) in new (string, Func<StrengthMetrics, double>)[]
                 {
                     ("recall", m => m.Metrics.Recall),
                     ("coverage", m => m.Metrics.Coverage),
                     ("outer_decile_share", m => m.Metrics.OuterDecileShare),
                 })
        {
            var ys = trend.Select(pick).ToList();
            bool falls = ys[^1] < ys[0];
            if (falls)
            {
                signals++;
                falling.Add(name);
            }
            evidence.Add($"{name}: {Num(ys[0])} at s = {Strength(strengths[0])} → {Num(ys[^1])} at s = {Strength(strengths[^1])} " +
                         $"({Signed(ys[^1] - ys[0])}); {Monotonicity(strengths, ys)}");
        }
        var top = trend[^1];
        double ratio = top.Metrics.CentroidDistanceRatio;
        bool inside = ratio < 1;
        if (inside)
            signals++;
        evidence.Add($"centroid_distance_ratio at s = {Strength(top.Strength)}: {Num(ratio)} ({(inside ? "below" : "not below")} 1: " +
                     $"{(inside ? "closer to" : "no closer to")} the class centroids than real data)");

        var verdict = signals == 4 ? FindingVerdict.Held : signals == 0 ? FindingVerdict.NotHeld : FindingVerdict.Mixed;
        string summary = $"{signals} of 4 signs of mode crowding from s = {Strength(strengths[0])} to s = {Strength(strengths[^1])}: " +
                         $"falling {(falling.Count == 0 ? "none of recall, coverage, outer_decile_share" : string.Join(", ", falling))}; " +
                         $"centroid_distance_ratio {Num(ratio)} at the highest strength.";
        return new Finding(2, Claim2, verdict, summary, evidence);
    }

    private static string Monotonicity(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        double rho = SampleStatistics.Spearman(xs, ys);
        bool down = true, up = true;
        for (int i = 1; i < ys.Count; i++)
        {
            down &= ys[i] < ys[i - 1];
            up &= ys[i] > ys[i - 1];
        }
        string shape = down ? "falls at every step" : up ? "rises at every step" : "not monotone";
        return $"Spearman ρ = {Num(rho, 2)} over {ys.Count} strengths, {shape}";
    }

    private static Finding RealPlusSyntheticHelps(IReadOnlyList<AccuracyCell> cells, IReadOnlyList<string> classifiers)
    {
        var evidence = new List<string>();
        int compared = 0, clear = 0, none = 0;
        foreach (var c in classifiers)
        {
            var real = Cell(cells, TrainSets.Real, c, null);
            var mixed = SyntheticCells(cells, TrainSets.RealPlusSynthetic, c);
            if (real is null || mixed.Count == 0)
            {
                evidence.Add($"{c}: {(real is null ? "no real rows" : "no real+synthetic rows at strength > 0")}, not compared");
                continue;
            }
            compared++;
            var best = mixed.MaxBy(m => m.MeanAccuracy)!;
            double gain = best.MeanAccuracy - real.MeanAccuracy;
            double pooled = SampleStatistics.PooledStandardDeviation(real.Count, real.SdAccuracy, best.Count, best.SdAccuracy);
            string outcome;
            if (gain <= 0)
            {
                none++;
                outcome = "no gain";
            }
            else if (pooled > NoSpread && gain > pooled)
            {
                clear++;
                outcome = "gain beyond the pooled sd";
            }
            else
                outcome = double.IsNaN(pooled) ? "gain, but no spread estimate (one seed)"
                    : pooled <= NoSpread ? "gain, but no spread estimate (every seed gave the same result)"
                    : "gain within the pooled sd";
            int above = mixed.Count(m => m.MeanAccuracy > real.MeanAccuracy);
            evidence.Add($"{c}: real {MeanSd(real.MeanAccuracy, real.SdAccuracy)}; best real+synthetic {MeanSd(best.MeanAccuracy, best.SdAccuracy)} " +
                         $"at s = {Strength(best.Strength!.Value)} ({Signed(gain)}; pooled sd {Num(pooled)}): {outcome}; " +
                         $"above real at {above} of {mixed.Count} strengths");
        }
        if (compared == 0)
            return new Finding(3, Claim3, FindingVerdict.NoData,
                "No classifier has both real rows and real+synthetic rows at a strength above 0.", evidence);
        evidence.Add("the best strength is picked on the test set, so its gain is an optimistic estimate");
        var verdict = clear == compared ? FindingVerdict.Held : none == compared ? FindingVerdict.NotHeld : FindingVerdict.Mixed;
        string summary = $"Best real+synthetic beats real beyond the pooled sd for {clear} of {compared} classifiers; " +
                         $"no gain for {none}.";
        return new Finding(3, Claim3, verdict, summary, evidence);
    }

    private static AccuracyCell? Cell(IReadOnlyList<AccuracyCell> cells, string trainSet, string classifier, double? strength) =>
        cells.FirstOrDefault(x => x.TrainSet == trainSet && x.Classifier == classifier && x.Strength == strength);

    private static List<AccuracyCell> SyntheticCells(IReadOnlyList<AccuracyCell> cells, string trainSet, string classifier) =>
        cells.Where(x => x.TrainSet == trainSet && x.Classifier == classifier && x.Strength > 0).OrderBy(x => x.Strength).ToList();
}
