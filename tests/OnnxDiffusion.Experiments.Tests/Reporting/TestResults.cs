using OnnxDiffusion.Experiments.Results;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Experiments.Tests.Reporting;

/// <summary>
/// Hand-built replicated results: 2 classifiers × R replicates × (real, synthetic s = 0 and 0.5, generated, real+synthetic,
/// real+generated), with effects the test chooses. Replicate r shifts every set by the same offset (the luck of its real
/// subset, which pairing removes) and each set by its own zero-mean noise, so a set's mean difference to real is exactly
/// the effect built in and its paired-t interval has a known width.
/// </summary>
internal static class TestResults
{
    public static readonly double[] Strengths = [0, 0.5];
    public static readonly string[] Classifiers = ["maxent", "lightgbm"];

    // Shared per-replicate offset and per-set noise pattern (both sum to 0 over five replicates).
    private static readonly double[] Offset = [-0.02, -0.01, 0, 0.01, 0.02];
    private static readonly double[] Pattern = [1, -1, 0.5, -0.5, 0];
    public const double Noise = 0.004;

    public delegate double Effect(string classifier, string trainSet, double? strength);

    public static ExperimentResults Make(Effect effect, Func<string, double?, SyntheticSetMetrics>? metrics, int replicates = 5)
    {
        var rows = new List<ResultRow>();
        var sets = new List<(string Set, double? S)> { (TrainSets.Real, null) };
        foreach (var s in Strengths)
            sets.AddRange([(TrainSets.Synthetic, s), (TrainSets.RealPlusSynthetic, s)]);
        sets.AddRange([(TrainSets.Generated, null), (TrainSets.RealPlusGenerated, null)]);
        for (int r = 0; r < replicates; r++)
            foreach (var c in Classifiers)
                for (int k = 0; k < sets.Count; k++)
                {
                    var (set, s) = sets[k];
                    bool identical = set == TrainSets.Real || set == TrainSets.Synthetic && s == 0;
                    double acc = (c == "maxent" ? 0.80 : 0.85) + Offset[r % 5] + (identical ? 0 : effect(c, set, s) + Noise * Pattern[(r + k) % 5]);
                    rows.Add(new ResultRow
                    {
                        Replicate = r, TrainSet = set, Strength = s, Classifier = c, Seed = r, Accuracy = acc, MacroF1 = acc - 0.02,
                        TrainCount = set.StartsWith("real+", StringComparison.Ordinal) ? 200 : 100,
                    });
                }
        var metricRows = new List<SetMetricsRow>();
        if (metrics is not null)
            for (int r = 0; r < replicates; r++)
            {
                var msets = new List<(string, double?, int?)> { (MetricSets.Real, null, null) };
                msets.AddRange(Strengths.Select(s => (MetricSets.Synthetic, (double?)s, s == 0 ? (int?)null : (int)(s * 999))));
                msets.Add((MetricSets.Generated, null, 999));
                for (int k = 0; k < msets.Count; k++)
                {
                    var (set, s, t) = msets[k];
                    var m = metrics(set, s);
                    double j = 0.005 * Pattern[(r + k) % 5];
                    metricRows.Add(new SetMetricsRow
                    {
                        Replicate = r, Set = set, Strength = s, StartTimestep = t,
                        Metrics = m with
                        {
                            Coverage = m.Coverage + j, Recall = m.Recall + j, OuterDecileShare = m.OuterDecileShare + j,
                            CentroidDistanceRatio = m.CentroidDistanceRatio + j, Fd = m.Fd + 10 * j,
                        },
                    });
                }
            }
        return new ExperimentResults
        {
            Profile = "quick",
            Strengths = Strengths,
            Rows = rows,
            Metrics = metricRows,
            Timings =
            [
                new StageTiming { Stage = "real data", ComputeSeconds = 0.4, WallSeconds = 0.4 },
                new StageTiming { Stage = "synthesis", ComputeSeconds = 61.27, WallSeconds = 0.5 },
                new StageTiming { Stage = "classification", ComputeSeconds = 12.5, WallSeconds = 0.1 },
                new StageTiming { Stage = "metrics", ComputeSeconds = 3, WallSeconds = 0 },
            ],
            Setup = new ExperimentSetup
            {
                Model = "fashion-mnist-ddpm", ModelSha256 = "abc123", Dataset = "fashion-mnist", PerClass = 10, Classes = 10,
                TestCount = 1000, Sampler = "ddim", Steps = 50, Guidance = 1.25, Classifiers = Classifiers, Replicates = replicates,
                Draws = 5, Generated = true, Features = "features.onnx (128-d)", Device = "CPU", Machine = "2 cores, Linux",
            },
        };
    }

    private static SyntheticSetMetrics Metrics(double coverage, double outer, double recall, double ratio, double fd, double? psnr) => new()
    {
        Fd = fd, Precision = 0.9, Recall = recall, Density = 1, Coverage = coverage, OuterDecileShare = outer, CentroidDistanceRatio = ratio,
        LabelFidelity = 0.9, Psnr = psnr, Mse = psnr is null ? null : 0.01, K = 5, NReal = 100, NFake = 100, NReference = 1000, Draws = 5,
        PrdcDrawSd = new PrdcResult(0.01, 0.02, 0.03, 0.04), PercentileHistogram = Enumerable.Repeat(0.1, 10).ToArray(),
        Kid = fd / 100, KidStandardError = 0.01, KidSubsetSize = 100, KidSubsets = 100, Vendi = 20 - fd / 10,
        SourceRankOneShare = psnr is null ? null : Math.Min(1, psnr.Value / 30), SourceMedianRank = psnr is null ? null : 1 + 50 / psnr.Value,
        SourcePool = psnr is null ? null : 100,
        // Copies fall with strength as the source fades; the real and generated rows sit at a base rate.
        CopyShare = psnr is null ? 0.2 : Math.Min(1, psnr.Value / 30),
        // Class 1's coverage falls three times as fast as class 0's with the set's own coverage trend.
        PerClass =
        [
            new ClassPrdc { Class = 0, Name = "zero", Precision = 0.9, Recall = recall, Density = 1, Coverage = coverage, N = 10 },
            new ClassPrdc { Class = 1, Name = "one", Precision = 0.9, Recall = recall, Density = 1, Coverage = 3 * coverage - 2, N = 10 },
        ],
    };

    private static double S(string set, double? s) => set == MetricSets.Generated ? 1 : set == MetricSets.Real ? 0 : s!.Value;

    /// <summary>Every finding supported: synthetic below real, crowding into modes as s grows, real+synthetic above real.</summary>
    public static ExperimentResults AllSupported(int replicates = 5) => Make(
        (_, set, s) => set switch
        {
            TrainSets.Synthetic => -0.05 - 0.1 * s!.Value,
            TrainSets.Generated => -0.15,
            TrainSets.RealPlusSynthetic => s == 0 ? 0.01 : 0.03,
            _ => 0.02,
        },
        (set, s) => Metrics(0.95 - 0.5 * S(set, s), 0.1 - 0.08 * S(set, s), 0.95 - 0.4 * S(set, s), 1 - 0.3 * S(set, s), 5 + 40 * S(set, s),
            set == MetricSets.Synthetic ? (s == 0 ? double.PositiveInfinity : 30 - 15 * s!.Value) : null),
        replicates);

    /// <summary>Every finding contradicted: synthetic above real, spreading out as s grows, real+synthetic below real.</summary>
    public static ExperimentResults AllContradicted() => Make(
        (_, set, _) => set is TrainSets.Synthetic or TrainSets.Generated ? 0.04 : -0.04,
        (set, s) => Metrics(0.6 + 0.2 * S(set, s), 0.1 + 0.1 * S(set, s), 0.6 + 0.2 * S(set, s), 1 + 0.2 * S(set, s), 5, null));

    /// <summary>No effect anywhere: every interval straddles 0.</summary>
    public static ExperimentResults NoEffect() => Make((_, _, _) => 0, (_, _) => Metrics(0.9, 0.1, 0.9, 1, 5, null));
}
