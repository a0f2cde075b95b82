using OnnxDiffusion.Experiments.Results;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>One class of one set: its P/R/D/C means over the replicates that measured it.</summary>
/// <param name="Set">One of <see cref="MetricSets"/>.</param>
/// <param name="Strength">Strength key, or null.</param>
/// <param name="Class">Class index.</param>
/// <param name="Name">Class name.</param>
/// <param name="Precision">Mean precision.</param>
/// <param name="Recall">Mean recall.</param>
/// <param name="Density">Mean density.</param>
/// <param name="Coverage">Mean coverage.</param>
internal sealed record ClassCell(string Set, double? Strength, int Class, string Name, double Precision, double Recall, double Density, double Coverage);

/// <summary>Per-class precision / recall / density / coverage over replicates, and where coverage falls most.</summary>
internal static class PerClassSummary
{
    /// <summary>Every (set, strength, class) with per-class rows, in the metrics table's order.</summary>
    public static IReadOnlyList<ClassCell> Of(ExperimentResults r, ResultsSummary s)
    {
        var cells = new List<ClassCell>();
        foreach (var m in s.Metrics)
        {
            var rows = r.Metrics.Where(x => x.Set == m.Set && ResultsSummary.StrengthKey(x.Strength) == m.Strength && x.Metrics.PerClass is { Count: > 0 })
                .SelectMany(x => x.Metrics.PerClass!).GroupBy(c => (c.Class, c.Name)).OrderBy(g => g.Key.Class);
            foreach (var g in rows)
                cells.Add(new ClassCell(m.Set, m.Strength, g.Key.Class, g.Key.Name,
                    g.Average(c => c.Precision), g.Average(c => c.Recall), g.Average(c => c.Density), g.Average(c => c.Coverage)));
        }
        return cells;
    }

    /// <summary>
    /// The classes whose mean coverage falls most between the lowest and the highest reconstruction strength above 0,
    /// as one evidence line; null without per-class rows at two such strengths.
    /// </summary>
    public static string? CoverageDrops(ExperimentResults r, int top = 3)
    {
        var cells = Of(r, r.Summary ?? ResultsSummary.Of(r)).Where(c => c.Set == MetricSets.Synthetic && c.Strength > 0).ToList();
        var strengths = cells.Select(c => c.Strength!.Value).Distinct().Order().ToList();
        if (strengths.Count < 2)
            return null;
        double lo = strengths[0], hi = strengths[^1];
        var drops = cells.Where(c => c.Strength == lo)
            .Join(cells.Where(c => c.Strength == hi), a => a.Class, b => b.Class, (a, b) => (a.Name, From: a.Coverage, To: b.Coverage))
            .OrderBy(x => x.To - x.From).Take(top).ToList();
        if (drops.Count == 0)
            return null;
        return $"per-class coverage (each class's reconstructions against the same class's real draws), s = {ReportFormat.Strength(lo)} → {ReportFormat.Strength(hi)}, " +
               "falls most for " + ReportFormat.JoinAnd(drops.Select(d => $"{d.Name} ({ReportFormat.Num(d.From, 3)} → {ReportFormat.Num(d.To, 3)})").ToList());
    }
}
