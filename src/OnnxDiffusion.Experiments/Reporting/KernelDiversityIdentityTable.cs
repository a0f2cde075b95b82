using System.Text;
using OnnxDiffusion.Experiments.Results;
using static OnnxDiffusion.Experiments.Reporting.ReportFormat;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>
/// The report's second metrics table: KID with its standard error (the size-independent distance), the Vendi score (the
/// diversity), source identifiability (how much of each reconstruction's own source survives) and the copy-like share (how
/// many images sit inside a training image's empty neighbourhood), with their reference lines.
/// </summary>
internal static class KernelDiversityIdentityTable
{
    public static void Append(StringBuilder sb, ExperimentResults r, ResultsSummary s)
    {
        if (!s.Metrics.Any(c => c.Values.ContainsKey("kid")))
            return;
        sb.Append("## Kernel distance, diversity and source identifiability\n\n");
        var any = r.Metrics.First(m => m.Metrics.Kid is not null).Metrics;
        sb.Append($"KID is the unbiased MMD² to the real test set with the cubic polynomial kernel (xᵀy/d + 1)³, the mean over ")
          .Append($"{any.KidSubsets?.ToString(Inv)} random subsets of m = {any.KidSubsetSize?.ToString(Inv)} images per side ")
          .Append("(torch-fidelity's 100 × 1,000, m capped by the set size), each subset with the same class make-up on both sides and same-class pairs weighted n_c/(n_c − 1), which keeps a class-balanced set's estimate unbiased. Unlike FD its expectation is 0 for real data at any size, so rows of different sizes compare. ")
          .Append("\"KID SE\" is the sd of the subset estimates within a replicate (mean over replicates): the standard error of a one-subset estimate, ")
          .Append("an upper bound for the mean's. Vendi is the effective number of distinct images (cosine similarity, q = 1); the real row is the ceiling. ")
          .Append("\"Own source nearest\" is the share of reconstructions whose nearest real image, among the replicate's subset, is their own source, ")
          .Append("and the median rank of that source. \"Copy-like share\" is the share of a set's images nearer their nearest training image (of the whole training split) ")
          .Append("than that training image is to its own nearest other training image: a data-copying test. The real row is its base rate for fresh real data: ")
          .Append("each real image is left out of the training split for its own test, as if it had not been trained on. Values are mean ± sd over replicates.\n\n");
        var cols = MetricDefinition.All.Where(d => d.Table == 2).ToList();
        sb.Append("| set | strength | KID | KID SE | ").Append(string.Join(" | ", cols.Skip(1).Select(d => d.Label))).Append(" |\n");
        sb.Append("|---|---:|---:|---:|").Append(string.Concat(cols.Skip(1).Select(_ => "---:|"))).Append('\n');
        foreach (var cell in s.Metrics)
        {
            var se = WithinSe(r, cell.Set, cell.Strength);
            sb.Append("| ").Append(cell.Set == MetricSets.Real ? "real (ceiling)" : cell.Set)
              .Append(" | ").Append(cell.Strength is { } st ? Strength(st) : "–")
              .Append(" | ").Append(cell.Values.TryGetValue("kid", out var kid) ? MeanSd(kid, 5) : "–")
              .Append(" | ").Append(Num(se, 5));
            foreach (var d in cols.Skip(1))
                sb.Append(" | ").Append(cell.Values.TryGetValue(d.Name, out var x) ? MeanSd(x, d.Name == "source_median_rank" ? 1 : d.Name == "vendi" ? 2 : 4) : "–");
            sb.Append(" |\n");
        }
        sb.Append('\n');
        if (s.MetricsOf(MetricSets.Real, null) is { } real && real.Values.TryGetValue("kid", out var rk) && WithinSe(r, MetricSets.Real, null) is { } rse)
        {
            bool within = Math.Abs(rk.Mean) <= 2 * rse;
            sb.Append($"Real vs real: KID {Num(rk.Mean, 5)} with standard error {Num(rse, 5)}, ")
              .Append(within ? "within 2 standard errors of 0, as an unbiased distance must be" : "more than 2 standard errors from 0: the replicate subsets and the test set differ")
              .Append(".\n\n");
        }
        if (r.Metrics.Select(m => m.Metrics.SourcePool).FirstOrDefault(p => p is not null) is int pool)
            sb.Append($"Chance for source identifiability (no information about the source left): own source nearest 1/n = {Num(1.0 / pool, 4)}, ")
              .Append($"median rank (n + 1)/2 = {Num((pool + 1) / 2.0, 1)}, with n = {pool.ToString(Inv)} real images ranked.\n\n");
    }

    /// <summary>Mean over replicates of the within-replicate KID standard error of (set, strength).</summary>
    internal static double? WithinSe(ExperimentResults r, string set, double? strength)
    {
        var key = ResultsSummary.StrengthKey(strength);
        var xs = r.Metrics.Where(m => m.Set == set && ResultsSummary.StrengthKey(m.Strength) == key && m.Metrics.KidStandardError is not null)
            .Select(m => m.Metrics.KidStandardError!.Value).ToList();
        return xs.Count == 0 ? null : xs.Average();
    }
}
