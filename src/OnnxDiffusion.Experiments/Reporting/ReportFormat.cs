using System.Globalization;
using OnnxDiffusion.Experiments.Statistics;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>Number formatting shared by the report, the findings and the plots: invariant culture, NaN shown as n/a.</summary>
internal static class ReportFormat
{
    public static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Num(double x, int decimals = 4) =>
        double.IsNaN(x) ? "n/a" : double.IsPositiveInfinity(x) ? "∞" : x.ToString("F" + decimals.ToString(Inv), Inv);

    public static string Num(double? x, int decimals = 4) => x is { } v ? Num(v, decimals) : "–";

    public static string Signed(double x, int decimals = 4) =>
        double.IsNaN(x) ? "n/a" : (x >= 0 ? "+" : "−") + Math.Abs(x).ToString("F" + decimals.ToString(Inv), Inv);

    /// <summary>A p-value to four decimals, or "&lt; 0.0001" below that, where four decimals would print 0.</summary>
    public static string P(double p) => p < 0.0001 ? "< 0.0001" : Num(p);

    /// <summary>"a", "a and b", "a, b and c".</summary>
    public static string JoinAnd(IReadOnlyList<string> items) =>
        items.Count <= 1 ? string.Concat(items) : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];

    public static string Strength(double s) => s.ToString("0.###", Inv);

    /// <summary>"mean ± sd [low, high]"; the sd and interval are left out when there is none (one replicate).</summary>
    public static string MeanSdCi(SampleSummary s, int decimals = 4) =>
        !s.HasInterval ? Num(s.Mean, decimals) + (s.N == 1 ? " (R = 1)" : "")
        : $"{Num(s.Mean, decimals)} ± {Num(s.Sd, decimals)} [{Num(s.CiLow, decimals)}, {Num(s.CiHigh, decimals)}]";

    /// <summary>"mean ± sd" over replicates, or the mean alone without a spread.</summary>
    public static string MeanSd(SampleSummary s, int decimals = 4) =>
        double.IsNaN(s.Sd) ? Num(s.Mean, decimals) : $"{Num(s.Mean, decimals)} ± {Num(s.Sd, decimals)}";

    /// <summary>"+0.0123 [−0.0040, +0.0286]" for a difference; no interval for one replicate.</summary>
    public static string DeltaCi(SampleSummary d, int decimals = 4) =>
        d.HasInterval ? $"{Signed(d.Mean, decimals)} [{Signed(d.CiLow, decimals)}, {Signed(d.CiHigh, decimals)}]"
        : $"{Signed(d.Mean, decimals)} (no interval at R = {d.N.ToString(Inv)})";
}
