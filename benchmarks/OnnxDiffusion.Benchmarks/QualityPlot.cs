using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace OnnxDiffusion.Benchmarks;

/// <summary>The <c>quality</c> mode's plot: FD against NFE, one line per sampler, with the 5 %-of-baseline bound.</summary>
public static class QualityPlot
{
    // Skia's no-dependency Linux build has no fontconfig and matches installed family names itself (as the report's plots do).
    private const string Font = "DejaVu Sans";

    private static readonly OxyColor[] Palette =
        [OxyColor.FromRgb(0x1B, 0x6F, 0xB0), OxyColor.FromRgb(0xD9, 0x5F, 0x02), OxyColor.FromRgb(0x1B, 0x9E, 0x77), OxyColor.FromRgb(0x75, 0x70, 0xB3)];

    private static readonly MarkerType[] Markers = [MarkerType.Circle, MarkerType.Square, MarkerType.Triangle, MarkerType.Diamond];

    /// <summary>Renders the rows to a PNG at <paramref name="path"/> (written to a temp name, then renamed).</summary>
    public static void Write(string path, IReadOnlyList<QualityMode.Row> rows, double threshold, int images)
    {
        var model = new PlotModel
        {
            Title = $"Fréchet distance vs network evaluations ({images} images, real test set)", TitleFontSize = 16,
            DefaultFont = Font, DefaultFontSize = 13, Background = OxyColors.White, PlotAreaBorderColor = OxyColor.FromRgb(0x99, 0x99, 0x99),
        };
        var grid = OxyColor.FromRgb(0xE5, 0xE5, 0xE5);
        model.Axes.Add(new LogarithmicAxis
        {
            Position = AxisPosition.Bottom, Title = "NFE (model calls per image)", MajorGridlineStyle = LineStyle.Solid,
            MajorGridlineColor = grid, MinimumPadding = 0.05, MaximumPadding = 0.05,
        });
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Left, Title = "FD (lower is closer)", MajorGridlineStyle = LineStyle.Solid,
            MajorGridlineColor = grid, MinimumPadding = 0.1, MaximumPadding = 0.12,
        });
        model.Legends.Add(new Legend
        {
            LegendPlacement = LegendPlacement.Outside, LegendPosition = LegendPosition.BottomCenter,
            LegendOrientation = LegendOrientation.Horizontal, LegendBorderThickness = 0, LegendFontSize = 13,
        });
        int k = 0;
        foreach (var group in rows.GroupBy(r => r.Sampler))
        {
            var line = new LineSeries
            {
                Title = group.Key, Color = Palette[k % Palette.Length], StrokeThickness = 2,
                MarkerType = Markers[k % Markers.Length], MarkerSize = 4, MarkerFill = Palette[k % Palette.Length],
            };
            foreach (var r in group.OrderBy(r => r.Nfe))
                line.Points.Add(new DataPoint(r.Nfe, r.Fd));
            model.Series.Add(line);
            k++;
        }
        if (double.IsFinite(threshold))
            model.Annotations.Add(new LineAnnotation
            {
                Type = LineAnnotationType.Horizontal, Y = threshold, Color = OxyColor.FromRgb(0x66, 0x66, 0x66),
                LineStyle = LineStyle.Dash, Text = "DDIM baseline FD + 5 %", TextColor = OxyColor.FromRgb(0x44, 0x44, 0x44),
            });
        // Text shaping would need libHarfBuzzSharp, which no Linux native package of the 2.88 line brings in; Latin labels don't need it.
        var exporter = new OxyPlot.SkiaSharp.PngExporter { Width = 800, Height = 500, UseTextShaping = false };
        string tmp = path + ".tmp";
        using (var file = File.Create(tmp))
            exporter.Export(model, file);
        File.Move(tmp, path, overwrite: true);
    }
}
