using OnnxDiffusion.Data;
using OnnxDiffusion.Experiments.Results;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>The report's plots: accuracy per classifier kind, and the distribution metrics, all against strength.</summary>
public static class ReportPlots
{
    private static readonly OxyColor RealColor = OxyColor.FromRgb(0x33, 0x33, 0x33);
    private static readonly OxyColor SyntheticColor = OxyColor.FromRgb(0xD9, 0x5F, 0x02);
    private static readonly OxyColor MixedColor = OxyColor.FromRgb(0x1B, 0x6F, 0xB0);
    internal static readonly OxyColor[] Palette =
    [
        OxyColor.FromRgb(0x1B, 0x6F, 0xB0), OxyColor.FromRgb(0xD9, 0x5F, 0x02),
        OxyColor.FromRgb(0x1B, 0x9E, 0x77), OxyColor.FromRgb(0x75, 0x70, 0xB3),
    ];

    /// <summary>
    /// Writes every plot the results support into <paramref name="plotsDir"/> (created if missing), each atomically,
    /// and returns them in report order. Accuracy plots need result rows; the others need metrics.
    /// </summary>
    public static IReadOnlyList<ReportPlot> WriteAll(string plotsDir, ExperimentResults results)
    {
        OutputFolder.Create(plotsDir);
        var written = new List<ReportPlot>();
        foreach (var (plot, model) in Build(results))
        {
            PlotPng.Write(Path.Combine(plotsDir, plot.FileName), model);
            written.Add(plot);
        }
        if (PerClassPlot.Write(Path.Combine(plotsDir, PerClassPlot.FileName), results))
            written.Add(new ReportPlot(PerClassPlot.FileName, "Per-class precision, recall, density, coverage vs strength"));
        return written;
    }

    internal static IEnumerable<(ReportPlot Plot, PlotModel Model)> Build(ExperimentResults results)
    {
        var summary = results.Summary ?? ResultsSummary.Of(results);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in ResultsSummary.Classifiers(results))
        {
            if (!summary.Accuracy.Any(x => x.Classifier == c))
                continue;
            string file = UniqueName("accuracy_" + SafeName(c), used) + ".png";
            yield return (new ReportPlot(file, $"Accuracy vs strength — {c}"), Accuracy(summary, c));
        }
        if (summary.Metrics.Count == 0)
            yield break;
        yield return (new ReportPlot("prdc.png", "Precision, recall, density, coverage vs strength"),
            Metrics(summary, "Precision / recall / density / coverage (equal-size draws) vs strength", "value",
                ["precision", "recall", "density", "coverage"]));
        yield return (new ReportPlot("fd.png", "Fréchet distance vs strength"),
            Metrics(summary, "Fréchet distance to the real test set vs strength", "FD (lower is closer)", ["fd"]));
        yield return (new ReportPlot("mode_concentration.png", "Outer-decile share and centroid-distance ratio vs strength"),
            Metrics(summary, "Mode concentration vs reconstruction strength", "share / ratio", ["outer_decile_share", "centroid_distance_ratio"]));
        if (summary.Metrics.Any(m => m.Values.ContainsKey("kid")))
        {
            yield return (new ReportPlot("kid.png", "Kernel inception distance vs strength"),
                Metrics(summary, "KID to the real test set vs strength (unbiased: 0 for real data at any size)", "KID (lower is closer)", ["kid"]));
            yield return (new ReportPlot("vendi.png", "Vendi score vs strength"),
                Metrics(summary, "Vendi score (effective number of distinct images) vs strength", "Vendi score", ["vendi"]));
        }
        if (summary.Metrics.Any(m => m.Values.ContainsKey("source_rank1_share")))
            yield return (new ReportPlot("source_identifiability.png", "Source identifiability beside accuracy vs strength"),
                SourceIdentifiabilityPlot.Build(results, summary, NewModel(
                    "Own source still the nearest real image, beside accuracy of the same sets", $"share / accuracy (mean, 95 % CI over R = {summary.Replicates})")));
    }

    // The generated set is generation from pure noise, which is what strength 1 means; it is drawn there with its own marker.
    private const double GeneratedAt = 1.0;

    private static PlotModel Accuracy(ResultsSummary summary, string classifier)
    {
        var mine = summary.Accuracy.Where(x => x.Classifier == classifier).ToList();
        var model = NewModel($"Classifier accuracy vs reconstruction strength — {classifier}",
            $"accuracy on the real test set (mean, 95 % CI over R = {summary.Replicates})");
        if (mine.FirstOrDefault(x => x.TrainSet == TrainSets.Real) is { } real)
        {
            if (real.Accuracy.HasInterval)
                model.Series.Add(Band("real 95 % CI", [(0, real.Accuracy.CiLow, real.Accuracy.CiHigh), (GeneratedAt, real.Accuracy.CiLow, real.Accuracy.CiHigh)], RealColor));
            var line = new LineSeries { Title = "real", Color = RealColor, LineStyle = LineStyle.Dash, StrokeThickness = 2 };
            line.Points.Add(new DataPoint(0, real.Accuracy.Mean));
            line.Points.Add(new DataPoint(GeneratedAt, real.Accuracy.Mean));
            model.Series.Add(line);
        }
        AddCurveWithBand(model, mine.Where(x => x.TrainSet == TrainSets.Synthetic), "synthetic(s), same size", SyntheticColor, MarkerType.Circle);
        AddCurveWithBand(model, mine.Where(x => x.TrainSet == TrainSets.RealPlusSynthetic), "real + synthetic(s)", MixedColor, MarkerType.Square);
        AddPoint(model, mine.FirstOrDefault(x => x.TrainSet == TrainSets.Generated), "generated (pure noise)", SyntheticColor, MarkerType.Triangle);
        AddPoint(model, mine.FirstOrDefault(x => x.TrainSet == TrainSets.RealPlusGenerated), "real + generated", MixedColor, MarkerType.Diamond);
        return model;
    }

    private static AreaSeries Band(string title, IEnumerable<(double X, double Low, double High)> points, OxyColor color)
    {
        var band = new AreaSeries
        {
            Title = title, Fill = OxyColor.FromAColor(45, color), Color = OxyColors.Transparent, Color2 = OxyColors.Transparent, StrokeThickness = 0,
        };
        foreach (var (x, lo, hi) in points)
        {
            band.Points.Add(new DataPoint(x, hi));
            band.Points2.Add(new DataPoint(x, lo));
        }
        return band;
    }

    private static void AddCurveWithBand(PlotModel model, IEnumerable<AccuracyCell> cells, string title, OxyColor color, MarkerType marker)
    {
        var points = cells.Where(x => x.Strength.HasValue).OrderBy(x => x.Strength).ToList();
        if (points.Count == 0)
            return;
        if (points.All(p => p.Accuracy.HasInterval))
            model.Series.Add(Band(title + " 95 % CI", points.Select(p => (p.Strength!.Value, p.Accuracy.CiLow, p.Accuracy.CiHigh)), color));
        var curve = new LineSeries
        {
            Title = title, Color = color, StrokeThickness = 2, MarkerType = marker, MarkerSize = 4, MarkerFill = color,
        };
        foreach (var p in points)
            curve.Points.Add(new DataPoint(p.Strength!.Value, p.Accuracy.Mean));
        model.Series.Add(curve);
    }

    private static void AddPoint(PlotModel model, AccuracyCell? cell, string title, OxyColor color, MarkerType marker)
    {
        if (cell is null)
            return;
        double half = cell.Accuracy.HasInterval ? cell.Accuracy.HalfWidth : 0;
        var point = new ScatterErrorSeries
        {
            Title = title, MarkerType = marker, MarkerSize = 6, MarkerFill = color, MarkerStroke = OxyColors.Black, MarkerStrokeThickness = 1,
            ErrorBarColor = color, ErrorBarStrokeThickness = 1.5, ErrorBarStopWidth = 4,
        };
        point.Points.Add(new ScatterErrorPoint(GeneratedAt, cell.Accuracy.Mean, 0, half));
        model.Series.Add(point);
    }

    private static PlotModel Metrics(ResultsSummary summary, string title, string yTitle, IReadOnlyList<string> names)
    {
        var model = NewModel(title, yTitle + $" (mean, 95 % CI over R = {summary.Replicates})");
        var ceiling = summary.MetricsOf(MetricSets.Real, null);
        var synthetic = summary.Metrics.Where(m => m.Set == MetricSets.Synthetic && m.Strength.HasValue).OrderBy(m => m.Strength).ToList();
        var generated = summary.MetricsOf(MetricSets.Generated, null);
        for (int i = 0; i < names.Count; i++)
        {
            var color = Palette[i % Palette.Length];
            var def = MetricDefinition.All.First(d => d.Name == names[i]);
            var curve = new LineSeries { Title = def.Label, Color = color, StrokeThickness = 2, MarkerType = Markers[i % Markers.Length], MarkerSize = 4, MarkerFill = color };
            var bars = new ScatterErrorSeries { RenderInLegend = false, MarkerType = MarkerType.None, ErrorBarColor = color, ErrorBarStrokeThickness = 1.5, ErrorBarStopWidth = 4 };
            foreach (var m in synthetic)
                if (m.Values.TryGetValue(def.Name, out var v))
                {
                    curve.Points.Add(new DataPoint(m.Strength!.Value, v.Mean));
                    bars.Points.Add(new ScatterErrorPoint(m.Strength!.Value, v.Mean, 0, v.HasInterval ? v.HalfWidth : 0));
                }
            model.Series.Add(curve);
            if (generated is not null && generated.Values.TryGetValue(def.Name, out var g))
            {
                var point = new ScatterErrorSeries
                {
                    Title = def.Label + ", generated", MarkerType = MarkerType.Triangle, MarkerSize = 6, MarkerFill = color, MarkerStroke = OxyColors.Black,
                    MarkerStrokeThickness = 1, ErrorBarColor = color, ErrorBarStrokeThickness = 1.5, ErrorBarStopWidth = 4,
                };
                point.Points.Add(new ScatterErrorPoint(GeneratedAt, g.Mean, 0, g.HasInterval ? g.HalfWidth : 0));
                model.Series.Add(point);
            }
            model.Series.Add(bars);
            if (ceiling is not null && ceiling.Values.TryGetValue(def.Name, out var c))
                model.Annotations.Add(Reference(c.Mean, $"real vs real {c.Mean.ToString(def.Name == "fd" ? "F1" : "F2", System.Globalization.CultureInfo.InvariantCulture)}",
                    color, 0.08 + 0.24 * i));
        }
        return model;
    }

    private static readonly MarkerType[] Markers = [MarkerType.Circle, MarkerType.Square, MarkerType.Diamond, MarkerType.Triangle];

    // Ceiling labels sit at different places along their lines so that close ceilings do not print over each other.
    private static LineAnnotation Reference(double y, string text, OxyColor color, double position) => new()
    {
        Type = LineAnnotationType.Horizontal, Y = y, Text = text, Color = color, LineStyle = LineStyle.Dot, StrokeThickness = 1.5,
        TextColor = color, TextLinePosition = position, TextHorizontalAlignment = HorizontalAlignment.Center,
        TextVerticalAlignment = VerticalAlignment.Bottom,
    };

    internal static PlotModel NewModel(string title, string yTitle)
    {
        var model = new PlotModel
        {
            Title = title, TitleFontSize = 16, DefaultFont = PlotPng.Font, DefaultFontSize = 13,
            Background = OxyColors.White, PlotAreaBorderColor = OxyColor.FromRgb(0x99, 0x99, 0x99),
        };
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Bottom, Title = "reconstruction strength s (start step t ≈ s·T; s = 1: generated from pure noise)",
            MajorGridlineStyle = LineStyle.Solid, MajorGridlineColor = OxyColor.FromRgb(0xE5, 0xE5, 0xE5),
            MinimumPadding = 0.04, MaximumPadding = 0.04,
        });
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Left, Title = yTitle,
            MajorGridlineStyle = LineStyle.Solid, MajorGridlineColor = OxyColor.FromRgb(0xE5, 0xE5, 0xE5),
            MinimumPadding = 0.1, MaximumPadding = 0.12,
        });
        model.Legends.Add(new Legend
        {
            LegendPlacement = LegendPlacement.Outside, LegendPosition = LegendPosition.BottomCenter,
            LegendOrientation = LegendOrientation.Horizontal, LegendBorderThickness = 0, LegendFontSize = 13,
        });
        return model;
    }

    internal static string SafeName(string s)
    {
        var chars = s.ToLowerInvariant().Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' ? ch : '_').ToArray();
        return chars.Length == 0 ? "classifier" : new string(chars);
    }

    private static string UniqueName(string stem, HashSet<string> used)
    {
        string name = stem;
        for (int i = 2; !used.Add(name); i++)
            name = $"{stem}_{i}";
        return name;
    }
}
