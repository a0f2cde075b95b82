using OnnxDiffusion.Experiments.Results;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Experiments.Tests.Reporting;

/// <summary>Hand-made results: 2 classifiers × 3 seeds × strengths 0, 0.5, 1.0, with accuracy curves and metrics the test chooses.</summary>
internal static class TestResults
{
    public static readonly double[] Strengths = [0, 0.5, 1.0];
    public static readonly string[] Classifiers = ["maxent", "lightgbm"];
    public static readonly int[] Seeds = [11, 12, 13];

    // Seed spread: sd 0.005 exactly, small next to the effects the cases build in.
    private static readonly double[] Jitter = [-0.005, 0, 0.005];

    public static ExperimentResults Make(
        Func<string, double> real,
        Func<string, double, double> synthetic,
        Func<string, double, double> realPlusSynthetic,
        Func<double, SyntheticSetMetrics>? metrics)
    {
        var rows = new List<ResultRow>();
        foreach (var c in Classifiers)
            for (int k = 0; k < Seeds.Length; k++)
            {
                rows.Add(Row(TrainSets.Real, null, c, k, real(c), 100));
                foreach (var s in Strengths)
                {
                    rows.Add(Row(TrainSets.Synthetic, s, c, k, synthetic(c, s), 100));
                    rows.Add(Row(TrainSets.RealPlusSynthetic, s, c, k, realPlusSynthetic(c, s), 200));
                }
            }
        return new ExperimentResults
        {
            Profile = "quick",
            Strengths = Strengths,
            Rows = rows,
            Metrics = metrics is null ? [] : Strengths.Select(s => new StrengthMetrics
            {
                Strength = s, StartTimestep = s == 0 ? null : (int)(s * 999), Metrics = metrics(s),
            }).ToList(),
            Timings = new Dictionary<string, double> { ["subset"] = 0.4, ["reconstruct"] = 61.27, ["classify"] = 12.5, ["metrics"] = 3 },
            Setup = new ExperimentSetup
            {
                Model = "fashion-mnist-ddpm", ModelSha256 = "abc123", Dataset = "fashion-mnist", PerClass = 10, Classes = 10,
                TestCount = 1000, Sampler = "ddim", Steps = 50, Guidance = 0, Classifiers = Classifiers, Seeds = Seeds,
                Device = "CPU", Machine = "2 cores, Linux",
            },
        };
    }

    private static ResultRow Row(string set, double? s, string c, int k, double acc, int n) => new()
    {
        TrainSet = set, Strength = s, Classifier = c, Seed = Seeds[k], Accuracy = acc + Jitter[k], MacroF1 = acc - 0.02 + Jitter[k], TrainCount = n,
    };

    /// <summary>Every finding holds: synthetic below real, crowding into modes as s grows, real+synthetic clearly above real.</summary>
    public static ExperimentResults AllHold() => Make(
        real: c => c == "maxent" ? 0.80 : 0.85,
        synthetic: (c, s) => (c == "maxent" ? 0.80 : 0.85) - (s == 0 ? 0 : 0.05 + 0.1 * s),
        realPlusSynthetic: (c, s) => (c == "maxent" ? 0.80 : 0.85) + (s == 0 ? 0 : 0.03),
        metrics: s => new SyntheticSetMetrics
        {
            Fd = 5 + 40 * s, Precision = 0.8 + 0.1 * s, Recall = 0.7 - 0.4 * s, Density = 1 + 0.2 * s, Coverage = 0.9 - 0.5 * s,
            OuterDecileShare = 0.1 - 0.08 * s, CentroidDistanceRatio = 1 - 0.3 * s, LabelFidelity = 0.95 - 0.1 * s,
            Psnr = s == 0 ? double.PositiveInfinity : 30 - 15 * s, Mse = 0.01 * s, K = 5, NReal = 1000, NFake = 100,
            PercentileHistogram = Enumerable.Repeat(0.1, 10).ToArray(),
        });

    /// <summary>No finding holds: synthetic above real, spreading out as s grows, real+synthetic below real.</summary>
    public static ExperimentResults NoneHold() => Make(
        real: _ => 0.80,
        synthetic: (_, s) => s == 0 ? 0.80 : 0.82 + 0.01 * s,
        realPlusSynthetic: (_, s) => s == 0 ? 0.80 : 0.78,
        metrics: s => new SyntheticSetMetrics
        {
            Fd = 5, Precision = 0.8, Recall = 0.5 + 0.2 * s, Density = 1, Coverage = 0.6 + 0.2 * s,
            OuterDecileShare = 0.1 + 0.1 * s, CentroidDistanceRatio = 1 + 0.2 * s, K = 5, NReal = 1000, NFake = 100,
        });
}
