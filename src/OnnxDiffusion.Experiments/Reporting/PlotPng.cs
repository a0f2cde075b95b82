using OnnxDiffusion.Data;
using OxyPlot;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>Renders OxyPlot models to PNG on SkiaSharp 2.88 (the version ML.NET's ImageAnalytics needs in the same process).</summary>
internal static class PlotPng
{
    public const int Width = 800;
    public const int Height = 500;

    // Skia's no-dependency Linux build has no fontconfig: it scans /usr/share/fonts and matches family names itself,
    // so ask for a family that is installed by name rather than OxyPlot's Windows default.
    public const string Font = "DejaVu Sans";

    public static byte[] Render(PlotModel model, int width = Width, int height = Height)
    {
        // Text shaping would need libHarfBuzzSharp, which no Linux native package of the 2.88 line brings in; Latin labels don't need it.
        var exporter = new OxyPlot.SkiaSharp.PngExporter { Width = width, Height = height, UseTextShaping = false };
        using var ms = new MemoryStream();
        exporter.Export(model, ms);
        return ms.ToArray();
    }

    public static void Write(string path, PlotModel model) => AtomicFile.WriteAllBytes(path, Render(model));
}
