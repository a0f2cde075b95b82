using System.Text.Json.Serialization;
using OnnxDiffusion.Experiments.Statistics;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Experiments.Results;

/// <summary>Accuracy of one (train set, strength, classifier) over the replicates.</summary>
/// <param name="TrainSet">One of <see cref="TrainSets"/>.</param>
/// <param name="Strength">Strength of the synthetic part; null for real and generated sets.</param>
/// <param name="Classifier">Classifier kind.</param>
/// <param name="Accuracy">Accuracy on the real test set: mean, sd and 95 % t-interval over replicates.</param>
/// <param name="MacroF1">Macro-F1, likewise.</param>
/// <param name="TrainCount">Training images (every replicate has the same count).</param>
public sealed record AccuracyCell(
    [property: JsonPropertyName("train_set")] string TrainSet,
    [property: JsonPropertyName("strength")] double? Strength,
    [property: JsonPropertyName("classifier")] string Classifier,
    [property: JsonPropertyName("accuracy")] SampleSummary Accuracy,
    [property: JsonPropertyName("macro_f1")] SampleSummary MacroF1,
    [property: JsonPropertyName("train_count")] int TrainCount);

/// <summary>The paired accuracy difference of one train set against the same replicate's real row.</summary>
/// <param name="TrainSet">One of <see cref="TrainSets"/> other than real.</param>
/// <param name="Strength">Strength of the synthetic part, or null.</param>
/// <param name="Classifier">Classifier kind.</param>
/// <param name="Delta">Per-replicate (this − real) accuracy: mean and 95 % paired-t interval.</param>
/// <param name="SameData">Strength-0 reconstructions are the real images pixel for pixel: their difference is 0 by construction.</param>
public sealed record PairedCell(
    [property: JsonPropertyName("train_set")] string TrainSet,
    [property: JsonPropertyName("strength")] double? Strength,
    [property: JsonPropertyName("classifier")] string Classifier,
    [property: JsonPropertyName("delta_accuracy")] SampleSummary Delta,
    [property: JsonPropertyName("same_data")] bool SameData);

/// <summary>One distribution metric of one set over the replicates.</summary>
/// <param name="Set">One of <see cref="MetricSets"/>.</param>
/// <param name="Strength">Reconstruction strength, or null.</param>
/// <param name="StartTimestep">First timestep of the synthesis, or null.</param>
/// <param name="Values">Metric name → summary over replicates of the per-replicate value (P/R/D/C: the mean over draws).</param>
/// <param name="DrawSd">P/R/D/C name → mean over replicates of the sd over draws (the reference-sampling noise).</param>
public sealed record MetricCell(
    [property: JsonPropertyName("set")] string Set,
    [property: JsonPropertyName("strength")] double? Strength,
    [property: JsonPropertyName("start_timestep")] int? StartTimestep,
    [property: JsonPropertyName("values")] IReadOnlyDictionary<string, SampleSummary> Values,
    [property: JsonPropertyName("draw_sd")] IReadOnlyDictionary<string, double> DrawSd);

/// <summary>A distribution metric the report summarises.</summary>
/// <param name="Name">JSON name.</param>
/// <param name="Label">Column label.</param>
/// <param name="Pick">Its value in a metrics record (null when not measured).</param>
/// <param name="Table">1: the main metrics table; 2: the kernel distance, diversity, source identifiability and copy table.</param>
public sealed record MetricDefinition(string Name, string Label, Func<SyntheticSetMetrics, double?> Pick, int Table = 1)
{
    /// <summary>Every metric, in column order.</summary>
    public static readonly IReadOnlyList<MetricDefinition> All =
    [
        new("fd", "FD", m => m.Fd),
        new("precision", "precision", m => m.Precision),
        new("recall", "recall", m => m.Recall),
        new("density", "density", m => m.Density),
        new("coverage", "coverage", m => m.Coverage),
        new("outer_decile_share", "outer-decile share", m => m.OuterDecileShare),
        new("centroid_distance_ratio", "centroid-distance ratio", m => m.CentroidDistanceRatio),
        new("label_fidelity", "label fidelity", m => m.LabelFidelity),
        new("psnr", "PSNR (dB)", m => m.Psnr),
        new("kid", "KID", m => m.Kid, 2),
        new("vendi", "Vendi", m => m.Vendi, 2),
        new("source_rank1_share", "own source nearest", m => m.SourceRankOneShare, 2),
        new("source_median_rank", "own source median rank", m => m.SourceMedianRank, 2),
        new("copy_share", "copy-like share", m => m.CopyShare, 2),
    ];

    /// <summary>The metrics whose draw spread is recorded.</summary>
    public static readonly IReadOnlyList<(string Name, Func<PrdcResult, double> Pick)> Prdc =
    [
        ("precision", p => p.Precision), ("recall", p => p.Recall), ("density", p => p.Density), ("coverage", p => p.Coverage),
    ];
}

/// <summary>Everything the report derives from the per-replicate rows: written into results.json beside them.</summary>
/// <param name="Replicates">R.</param>
/// <param name="Accuracy">Per (train set, strength, classifier), in report order.</param>
/// <param name="Differences">Paired differences against real, in report order.</param>
/// <param name="Metrics">Per (set, strength), in report order.</param>
public sealed record ResultsSummary(
    [property: JsonPropertyName("replicates")] int Replicates,
    [property: JsonPropertyName("accuracy")] IReadOnlyList<AccuracyCell> Accuracy,
    [property: JsonPropertyName("differences")] IReadOnlyList<PairedCell> Differences,
    [property: JsonPropertyName("metrics")] IReadOnlyList<MetricCell> Metrics)
{
    /// <summary>Summarises <paramref name="results"/> (pure: the same rows give the same summary).</summary>
    public static ResultsSummary Of(ExperimentResults results)
    {
        var classifiers = Classifiers(results);
        var groups = results.Rows
            .GroupBy(r => (r.TrainSet, Strength: StrengthKey(r.Strength), r.Classifier))
            .OrderBy(g => Order(TrainSets.Order, g.Key.TrainSet))
            .ThenBy(g => g.Key.TrainSet, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Strength ?? double.NegativeInfinity)
            .ThenBy(g => classifiers.IndexOf(g.Key.Classifier))
            .ToList();
        var accuracy = groups.Select(g =>
        {
            var rows = g.OrderBy(r => r.Replicate).ToList();
            return new AccuracyCell(g.Key.TrainSet, g.Key.Strength, g.Key.Classifier,
                SampleSummary.Of(rows.Select(r => r.Accuracy).ToList()), SampleSummary.Of(rows.Select(r => r.MacroF1).ToList()),
                rows.Max(r => r.TrainCount));
        }).ToList();

        var differences = new List<PairedCell>();
        foreach (var g in groups.Where(g => g.Key.TrainSet != TrainSets.Real))
        {
            var real = results.Rows.Where(r => r.TrainSet == TrainSets.Real && r.Classifier == g.Key.Classifier)
                .GroupBy(r => r.Replicate).ToDictionary(x => x.Key, x => x.First().Accuracy);
            var pairs = g.Where(r => real.ContainsKey(r.Replicate)).OrderBy(r => r.Replicate).ToList();
            if (pairs.Count == 0)
                continue;
            differences.Add(new PairedCell(g.Key.TrainSet, g.Key.Strength, g.Key.Classifier,
                PairedDifference.Of(pairs.Select(r => r.Accuracy).ToList(), pairs.Select(r => real[r.Replicate]).ToList()),
                // A latent model's strength 0 is the VAE's round trip: other pixels than the real set's.
                g.Key.TrainSet == TrainSets.Synthetic && g.Key.Strength == 0 && results.Setup.Latent is null));
        }

        var metrics = results.Metrics
            .GroupBy(m => (m.Set, Strength: StrengthKey(m.Strength)))
            .OrderBy(g => Order(MetricSets.Order, g.Key.Set))
            .ThenBy(g => g.Key.Strength ?? double.NegativeInfinity)
            .Select(g =>
            {
                var rows = g.OrderBy(m => m.Replicate).ToList();
                var values = new Dictionary<string, SampleSummary>();
                foreach (var def in MetricDefinition.All)
                {
                    var xs = rows.Select(r => def.Pick(r.Metrics)).Where(v => v is { } x && !double.IsNaN(x)).Select(v => v!.Value).ToList();
                    if (xs.Count > 0)
                        values[def.Name] = SampleSummary.Of(xs);
                }
                var drawSd = new Dictionary<string, double>();
                foreach (var (name, pick) in MetricDefinition.Prdc)
                {
                    var sds = rows.Where(r => r.Metrics.PrdcDrawSd is not null).Select(r => pick(r.Metrics.PrdcDrawSd!)).ToList();
                    if (sds.Count > 0)
                        drawSd[name] = sds.Average();
                }
                return new MetricCell(g.Key.Set, g.Key.Strength, rows[0].StartTimestep, values, drawSd);
            }).ToList();
        return new ResultsSummary(Math.Max(results.Setup.Replicates, results.Rows.Select(r => r.Replicate + 1).DefaultIfEmpty(0).Max()),
            accuracy, differences, metrics);
    }

    /// <summary>Classifier kinds: the setup's list first, then any that only appear in the rows.</summary>
    public static List<string> Classifiers(ExperimentResults results) =>
        results.Setup.Classifiers.Concat(results.Rows.Select(r => r.Classifier)).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The accuracy cell of (train set, strength, classifier), or null.</summary>
    public AccuracyCell? AccuracyOf(string trainSet, double? strength, string classifier) =>
        Accuracy.FirstOrDefault(c => c.TrainSet == trainSet && c.Strength == StrengthKey(strength) && c.Classifier == classifier);

    /// <summary>The paired difference of (train set, strength, classifier), or null.</summary>
    public PairedCell? DifferenceOf(string trainSet, double? strength, string classifier) =>
        Differences.FirstOrDefault(c => c.TrainSet == trainSet && c.Strength == StrengthKey(strength) && c.Classifier == classifier);

    /// <summary>The metric cell of (set, strength), or null.</summary>
    public MetricCell? MetricsOf(string set, double? strength) =>
        Metrics.FirstOrDefault(c => c.Set == set && c.Strength == StrengthKey(strength));

    // Sweeps built by repeated addition give 0.6000000000000001; rows of one strength must still group together.
    internal static double? StrengthKey(double? s) => s is { } v ? Math.Round(v, 9) : null;

    private static int Order(IReadOnlyList<string> order, string name)
    {
        int i = -1;
        for (int k = 0; k < order.Count; k++)
            if (order[k] == name)
                i = k;
        return i < 0 ? order.Count : i;
    }
}
