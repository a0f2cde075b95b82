using System.Text;
using OnnxDiffusion.Experiments.Results;
using static OnnxDiffusion.Experiments.Reporting.ReportFormat;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>The report's class × strength table of per-class precision / recall / density / coverage.</summary>
internal static class PerClassTable
{
    public static void Append(StringBuilder sb, ExperimentResults r, ResultsSummary s)
    {
        var cells = PerClassSummary.Of(r, s);
        if (cells.Count == 0)
            return;
        var columns = cells.Select(c => (c.Set, c.Strength)).Distinct().ToList();
        sb.Append("## Per-class precision / recall / density / coverage\n\n")
          .Append("Each class's images against the same class's images of the real test set's equal-size draws (means over draws, then over replicates). ")
          .Append("Cells read precision / recall / density / coverage; the real column is the replicate's own real subset, the ceiling.\n\n");
        sb.Append("| class | ").Append(string.Join(" | ", columns.Select(c => c.Set == MetricSets.Real ? "real (ceiling)"
            : c.Strength is { } st ? $"s = {Strength(st)}" : c.Set))).Append(" |\n");
        sb.Append("|---|").Append(string.Concat(columns.Select(_ => "---:|"))).Append('\n');
        foreach (var cls in cells.GroupBy(c => (c.Class, c.Name)).OrderBy(g => g.Key.Class))
        {
            sb.Append("| ").Append(cls.Key.Name.Replace("|", "\\|"));
            foreach (var col in columns)
            {
                var c = cls.FirstOrDefault(x => x.Set == col.Set && x.Strength == col.Strength);
                sb.Append(" | ").Append(c is null ? "–" : $"{Num(c.Precision, 2)} / {Num(c.Recall, 2)} / {Num(c.Density, 2)} / {Num(c.Coverage, 2)}");
            }
            sb.Append(" |\n");
        }
        sb.Append('\n');
        if (PerClassSummary.CoverageDrops(r) is { } drops)
            sb.Append("Finding 2, per class: ").Append(drops).Append(".\n\n");
    }
}
