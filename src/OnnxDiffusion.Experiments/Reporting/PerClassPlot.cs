using OnnxDiffusion.Data;
using OnnxDiffusion.Experiments.Results;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using SkiaSharp;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>Small multiples: one panel per class with its reconstructions' precision / recall / density / coverage against strength.</summary>
internal static class PerClassPlot
{
    public const string FileName = "per_class_prdc.png";
    private const int PanelWidth = 360, PanelHeight = 260, Columns = 5;

    /// <summary>Writes the figure; false (nothing written) without per-class rows at two or more strengths.</summary>
    public static bool Write(string path, ExperimentResults r)
    {
        var cells = PerClassSummary.Of(r, r.Summary ?? ResultsSummary.Of(r)).Where(c => c.Set == MetricSets.Synthetic && c.Strength.HasValue).ToList();
        if (cells.Select(c => c.Strength).Distinct().Count() < 2)
            return false;
        var classes = cells.GroupBy(c => (c.Class, c.Name)).OrderBy(g => g.Key.Class).ToList();
        int rows = (classes.Count + Columns - 1) / Columns, cols = Math.Min(Columns, classes.Count);
        using var surface = SKSurface.Create(new SKImageInfo(cols * PanelWidth, rows * PanelHeight));
        surface.Canvas.Clear(SKColors.White);
        for (int i = 0; i < classes.Count; i++)
        {
            var png = PlotPng.Render(Panel(classes[i].Key.Name, classes[i].OrderBy(c => c.Strength).ToList(), legend: i == 0), PanelWidth, PanelHeight);
            using var bitmap = SKBitmap.Decode(png);
            surface.Canvas.DrawBitmap(bitmap, i % Columns * PanelWidth, i / Columns * PanelHeight);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, data.ToArray());
        return true;
    }

    private static PlotModel Panel(string name, IReadOnlyList<ClassCell> cells, bool legend)
    {
        var model = new PlotModel { Title = name, TitleFontSize = 13, DefaultFont = PlotPng.Font, DefaultFontSize = 10, Background = OxyColors.White };
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "strength", Minimum = 0, Maximum = 1 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Minimum = 0, MaximumPadding = 0.08 });
        var metrics = new (string Label, Func<ClassCell, double> Pick)[]
        {
            ("precision", c => c.Precision), ("recall", c => c.Recall), ("density", c => c.Density), ("coverage", c => c.Coverage),
        };
        for (int m = 0; m < metrics.Length; m++)
        {
            var color = ReportPlots.Palette[m % ReportPlots.Palette.Length];
            var line = new LineSeries { Title = metrics[m].Label, Color = color, StrokeThickness = 1.8, MarkerType = MarkerType.Circle, MarkerSize = 2.5, MarkerFill = color };
            foreach (var c in cells)
                line.Points.Add(new DataPoint(c.Strength!.Value, metrics[m].Pick(c)));
            model.Series.Add(line);
        }
        if (legend)
            model.Legends.Add(new Legend { LegendPosition = LegendPosition.TopRight, LegendFontSize = 9, LegendBackground = OxyColor.FromAColor(200, OxyColors.White) });
        return model;
    }
}
