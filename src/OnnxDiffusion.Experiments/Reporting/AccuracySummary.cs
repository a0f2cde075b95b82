using OnnxDiffusion.Experiments.Results;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>Mean and spread over seeds of one (train set, strength, classifier) group of <see cref="ResultRow"/>s.</summary>
/// <param name="TrainSet">real | synthetic | real+synthetic.</param>
/// <param name="Strength">Strength of the synthetic part; null for real.</param>
/// <param name="Classifier">Classifier kind.</param>
/// <param name="Count">Rows (seeds) in the group.</param>
/// <param name="MeanAccuracy">Mean accuracy on the real test set.</param>
/// <param name="SdAccuracy">Sample standard deviation of accuracy; NaN for a single seed.</param>
/// <param name="MeanMacroF1">Mean macro-F1.</param>
/// <param name="SdMacroF1">Sample standard deviation of macro-F1; NaN for a single seed.</param>
/// <param name="TrainCount">Training images (the largest in the group; seeds share it).</param>
public sealed record AccuracyCell(string TrainSet, double? Strength, string Classifier, int Count,
    double MeanAccuracy, double SdAccuracy, double MeanMacroF1, double SdMacroF1, int TrainCount);

/// <summary>Groups the result rows over seeds, in the order the report lists them.</summary>
public static class AccuracySummary
{
    /// <summary>
    /// One cell per (train set, strength, classifier): real first, then synthetic and real+synthetic by rising strength;
    /// classifiers in the setup's order, then any others in order of appearance.
    /// </summary>
    public static IReadOnlyList<AccuracyCell> Of(ExperimentResults results)
    {
        var classifiers = ClassifierOrder(results);
        return results.Rows
            .GroupBy(r => (r.TrainSet, Strength: StrengthKey(r.Strength), r.Classifier))
            .Select(g =>
            {
                var acc = g.Select(r => r.Accuracy).ToList();
                var f1 = g.Select(r => r.MacroF1).ToList();
                return new AccuracyCell(g.Key.TrainSet, g.Key.Strength, g.Key.Classifier, acc.Count,
                    SampleStatistics.Mean(acc), SampleStatistics.StandardDeviation(acc),
                    SampleStatistics.Mean(f1), SampleStatistics.StandardDeviation(f1), g.Max(r => r.TrainCount));
            })
            .OrderBy(c => TrainSetOrder(c.TrainSet))
            .ThenBy(c => c.TrainSet, StringComparer.Ordinal)
            .ThenBy(c => c.Strength ?? double.NegativeInfinity)
            .ThenBy(c => classifiers.IndexOf(c.Classifier))
            .ToList();
    }

    /// <summary>Classifier kinds: the setup's list first, then any that only appear in the rows.</summary>
    public static IReadOnlyList<string> Classifiers(ExperimentResults results) => ClassifierOrder(results);

    private static List<string> ClassifierOrder(ExperimentResults results) =>
        results.Setup.Classifiers.Concat(results.Rows.Select(r => r.Classifier)).Distinct(StringComparer.Ordinal).ToList();

    // Sweeps built by repeated addition give 0.6000000000000001; rows of one strength must still group together.
    internal static double? StrengthKey(double? s) => s is { } v ? Math.Round(v, 9) : null;

    private static int TrainSetOrder(string trainSet) => trainSet switch
    {
        TrainSets.Real => 0,
        TrainSets.Synthetic => 1,
        TrainSets.RealPlusSynthetic => 2,
        _ => 3,
    };
}
