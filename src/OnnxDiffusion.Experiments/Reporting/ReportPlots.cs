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
    private static readonly OxyColor[] Palette =
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
        Directory.CreateDirectory(plotsDir);
        var written = new List<ReportPlot>();
        foreach (var (plot, model) in Build(results))
        {
            PlotPng.Write(Path.Combine(plotsDir, plot.FileName), model);
            written.Add(plot);
        }
        return written;
    }

    internal static IEnumerable<(ReportPlot Plot, PlotModel Model)> Build(ExperimentResults results)
    {
        var cells = AccuracySummary.Of(results);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in AccuracySummary.Classifiers(results))
        {
            if (!cells.Any(x => x.Classifier == c))
                continue;
            string file = UniqueName("accuracy_" + SafeName(c), used) + ".png";
            yield return (new ReportPlot(file, $"Accuracy vs strength — {c}"), Accuracy(results, cells, c));
        }
        var metrics = results.Metrics.OrderBy(m => m.Strength).ToList();
        if (metrics.Count == 0)
            yield break;
        yield return (new ReportPlot("prdc.png", "Precision, recall, density, coverage vs strength"), Prdc(metrics));
        yield return (new ReportPlot("fd.png", "Fréchet distance vs strength"), Fd(metrics));
        yield return (new ReportPlot("mode_concentration.png", "Outer-decile share and centroid-distance ratio vs strength"), Modes(metrics));
    }

    private static PlotModel Accuracy(ExperimentResults results, IReadOnlyList<AccuracyCell> cells, string classifier)
    {
        var mine = cells.Where(x => x.Classifier == classifier).ToList();
        var xs = results.Strengths.Concat(mine.Where(x => x.Strength.HasValue).Select(x => x.Strength!.Value)).ToList();
        double lo = xs.Count > 0 ? xs.Min() : 0, hi = xs.Count > 0 ? xs.Max() : 1;
        if (hi - lo < 1e-9)
            (lo, hi) = (lo - 0.1, hi + 0.1);

        var model = NewModel($"Classifier accuracy vs reconstruction strength — {classifier}",
            "accuracy on the real test set (mean over seeds, bars ± sd)");
        if (mine.FirstOrDefault(x => x.TrainSet == TrainSets.Real) is { } real)
        {
            if (!double.IsNaN(real.SdAccuracy))
            {
                var band = new AreaSeries
                {
                    Title = "real ± sd", Fill = OxyColor.FromAColor(50, RealColor), Color = OxyColors.Transparent,
                    Color2 = OxyColors.Transparent, StrokeThickness = 0,
                };
                band.Points.Add(new DataPoint(lo, real.MeanAccuracy + real.SdAccuracy));
                band.Points.Add(new DataPoint(hi, real.MeanAccuracy + real.SdAccuracy));
                band.Points2.Add(new DataPoint(lo, real.MeanAccuracy - real.SdAccuracy));
                band.Points2.Add(new DataPoint(hi, real.MeanAccuracy - real.SdAccuracy));
                model.Series.Add(band);
            }
            var line = new LineSeries { Title = $"real (mean of {real.Count} seeds)", Color = RealColor, LineStyle = LineStyle.Dash, StrokeThickness = 2 };
            line.Points.Add(new DataPoint(lo, real.MeanAccuracy));
            line.Points.Add(new DataPoint(hi, real.MeanAccuracy));
            model.Series.Add(line);
        }
        AddCurveWithErrorBars(model, mine.Where(x => x.TrainSet == TrainSets.Synthetic), "synthetic(s), same size", SyntheticColor, MarkerType.Circle);
        AddCurveWithErrorBars(model, mine.Where(x => x.TrainSet == TrainSets.RealPlusSynthetic), "real + synthetic(s)", MixedColor, MarkerType.Square);
        return model;
    }

    private static void AddCurveWithErrorBars(PlotModel model, IEnumerable<AccuracyCell> cells, string title, OxyColor color, MarkerType marker)
    {
        var points = cells.Where(x => x.Strength.HasValue).OrderBy(x => x.Strength).ToList();
        if (points.Count == 0)
            return;
        var curve = new LineSeries
        {
            Title = title, Color = color, StrokeThickness = 2, MarkerType = marker, MarkerSize = 4, MarkerFill = color,
        };
        var bars = new ScatterErrorSeries
        {
            RenderInLegend = false, MarkerType = MarkerType.None, ErrorBarColor = color, ErrorBarStrokeThickness = 1.5,
            ErrorBarStopWidth = 4,
        };
        foreach (var p in points)
        {
            curve.Points.Add(new DataPoint(p.Strength!.Value, p.MeanAccuracy));
            if (!double.IsNaN(p.SdAccuracy))
                bars.Points.Add(new ScatterErrorPoint(p.Strength!.Value, p.MeanAccuracy, 0, p.SdAccuracy));
        }
        model.Series.Add(curve);
        if (bars.Points.Count > 0)
            model.Series.Add(bars);
    }

    private static PlotModel Prdc(IReadOnlyList<StrengthMetrics> metrics)
    {
        var model = NewModel("Precision / recall / density / coverage vs reconstruction strength", "value (synthetic vs real test set, k-NN)");
        AddMetric(model, metrics, "precision (fidelity)", m => m.Precision, Palette[0], MarkerType.Circle);
        AddMetric(model, metrics, "recall (diversity)", m => m.Recall, Palette[1], MarkerType.Square);
        AddMetric(model, metrics, "density", m => m.Density, Palette[2], MarkerType.Diamond);
        AddMetric(model, metrics, "coverage", m => m.Coverage, Palette[3], MarkerType.Triangle);
        return model;
    }

    private static PlotModel Fd(IReadOnlyList<StrengthMetrics> metrics)
    {
        var model = NewModel("Fréchet distance vs reconstruction strength", "Fréchet distance (feature space, lower is closer)");
        AddMetric(model, metrics, "FD to the real test set", m => m.Fd, Palette[0], MarkerType.Circle);
        return model;
    }

    private static PlotModel Modes(IReadOnlyList<StrengthMetrics> metrics)
    {
        var model = NewModel("Mode concentration vs reconstruction strength", "share / ratio");
        AddMetric(model, metrics, "outer-decile share", m => m.OuterDecileShare, Palette[1], MarkerType.Circle);
        AddMetric(model, metrics, "centroid-distance ratio", m => m.CentroidDistanceRatio, Palette[0], MarkerType.Square);
        // Real data sit at exactly these values by construction: 10 % beyond their own 90th percentile, ratio 1 to themselves.
        model.Annotations.Add(Reference(0.1, "real data: share 0.1", Palette[1]));
        model.Annotations.Add(Reference(1.0, "real data: ratio 1", Palette[0]));
        return model;
    }

    private static LineAnnotation Reference(double y, string text, OxyColor color) => new()
    {
        Type = LineAnnotationType.Horizontal, Y = y, Text = text, Color = color, LineStyle = LineStyle.Dot, StrokeThickness = 1.5,
        TextColor = color, TextLinePosition = 0.5, TextHorizontalAlignment = HorizontalAlignment.Center,
        TextVerticalAlignment = VerticalAlignment.Bottom,
    };

    private static void AddMetric(PlotModel model, IReadOnlyList<StrengthMetrics> metrics, string title,
        Func<OnnxDiffusion.Metrics.SyntheticSetMetrics, double> pick, OxyColor color, MarkerType marker)
    {
        var s = new LineSeries { Title = title, Color = color, StrokeThickness = 2, MarkerType = marker, MarkerSize = 4, MarkerFill = color };
        foreach (var m in metrics)
            s.Points.Add(new DataPoint(m.Strength, pick(m.Metrics)));
        model.Series.Add(s);
    }

    private static PlotModel NewModel(string title, string yTitle)
    {
        var model = new PlotModel
        {
            Title = title, TitleFontSize = 16, DefaultFont = PlotPng.Font, DefaultFontSize = 13,
            Background = OxyColors.White, PlotAreaBorderColor = OxyColor.FromRgb(0x99, 0x99, 0x99),
        };
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Bottom, Title = "reconstruction strength s (start step t ≈ s·T)",
            MajorGridlineStyle = LineStyle.Solid, MajorGridlineColor = OxyColor.FromRgb(0xE5, 0xE5, 0xE5),
            MinimumPadding = 0.04, MaximumPadding = 0.04,
        });
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Left, Title = yTitle,
            MajorGridlineStyle = LineStyle.Solid, MajorGridlineColor = OxyColor.FromRgb(0xE5, 0xE5, 0xE5),
            MinimumPadding = 0.08, MaximumPadding = 0.08,
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
