using OnnxDiffusion.Experiments.Results;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Series;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>
/// The paper's trade-off on one axis: how often a reconstruction's nearest real image is still its own source, and the
/// accuracy of classifiers trained on the same reconstructions, both against strength, with the chance line.
/// </summary>
internal static class SourceIdentifiabilityPlot
{
    public static PlotModel Build(ExperimentResults results, ResultsSummary summary, PlotModel model)
    {
        var cells = summary.Metrics.Where(m => m.Set == MetricSets.Synthetic && m.Strength.HasValue && m.Values.ContainsKey("source_rank1_share"))
            .OrderBy(m => m.Strength).ToList();
        var color = OxyColor.FromRgb(0x33, 0x33, 0x33);
        var curve = new LineSeries { Title = "own source nearest", Color = color, StrokeThickness = 2.5, MarkerType = MarkerType.Circle, MarkerSize = 4, MarkerFill = color };
        var bars = new ScatterErrorSeries { RenderInLegend = false, MarkerType = MarkerType.None, ErrorBarColor = color, ErrorBarStrokeThickness = 1.5, ErrorBarStopWidth = 4 };
        foreach (var c in cells)
        {
            var v = c.Values["source_rank1_share"];
            curve.Points.Add(new DataPoint(c.Strength!.Value, v.Mean));
            bars.Points.Add(new ScatterErrorPoint(c.Strength!.Value, v.Mean, 0, v.HasInterval ? v.HalfWidth : 0));
        }
        model.Series.Add(curve);
        model.Series.Add(bars);
        var classifiers = ResultsSummary.Classifiers(results);
        for (int i = 0; i < classifiers.Count; i++)
        {
            var acc = summary.Accuracy.Where(a => a.Classifier == classifiers[i] && a.TrainSet == TrainSets.Synthetic && a.Strength.HasValue)
                .OrderBy(a => a.Strength).ToList();
            if (acc.Count == 0)
                continue;
            var c = ReportPlots.Palette[i % ReportPlots.Palette.Length];
            var line = new LineSeries { Title = $"accuracy, {classifiers[i]}", Color = c, LineStyle = LineStyle.Dash, StrokeThickness = 1.5, MarkerType = MarkerType.Square, MarkerSize = 3, MarkerFill = c };
            foreach (var a in acc)
                line.Points.Add(new DataPoint(a.Strength!.Value, a.Accuracy.Mean));
            model.Series.Add(line);
        }
        if (results.Metrics.Select(m => m.Metrics.SourcePool).FirstOrDefault(p => p is not null) is int pool)
            model.Annotations.Add(new LineAnnotation
            {
                Type = LineAnnotationType.Horizontal, Y = 1.0 / pool, Text = $"chance 1/{pool}", Color = color, LineStyle = LineStyle.Dot, StrokeThickness = 1.5,
                TextColor = color, TextLinePosition = 0.1, TextVerticalAlignment = OxyPlot.VerticalAlignment.Bottom,
            });
        return model;
    }
}
