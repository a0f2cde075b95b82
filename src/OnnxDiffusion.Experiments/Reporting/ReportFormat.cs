using System.Globalization;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>Number formatting shared by the report, the findings and the plots: invariant culture, NaN shown as n/a.</summary>
internal static class ReportFormat
{
    public static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Num(double x, int decimals = 4) =>
        double.IsNaN(x) ? "n/a" : x.ToString("F" + decimals.ToString(Inv), Inv);

    public static string Num(double? x, int decimals = 4) => x is { } v ? Num(v, decimals) : "–";

    public static string Signed(double x, int decimals = 4) =>
        double.IsNaN(x) ? "n/a" : (x >= 0 ? "+" : "−") + Math.Abs(x).ToString("F" + decimals.ToString(Inv), Inv);

    public static string Strength(double s) => s.ToString("0.###", Inv);

    public static string MeanSd(double mean, double sd, int decimals = 4) =>
        double.IsNaN(sd) ? Num(mean, decimals) : $"{Num(mean, decimals)} ± {Num(sd, decimals)}";
}
