using OnnxDiffusion.Experiments.Reporting;
using OnnxDiffusion.Experiments.Results;
using SkiaSharp;

namespace OnnxDiffusion.Experiments.Tests.Reporting;

public sealed class ReportWriterTests : IDisposable
{
    private static readonly string[] ExpectedPlots =
        ["accuracy_maxent.png", "accuracy_lightgbm.png", "prdc.png", "fd.png", "mode_concentration.png"];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "od-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Writes_every_file_and_leaves_no_partial_files()
    {
        var written = ReportWriter.Write(_dir, TestResults.AllHold(), "grid.png");
        Assert.True(File.Exists(Path.Combine(_dir, "report.md")));
        Assert.True(File.Exists(Path.Combine(_dir, "results.json")));
        Assert.True(File.Exists(Path.Combine(_dir, "results.csv")));
        Assert.Equal(ExpectedPlots, written.PlotPaths.Select(Path.GetFileName));
        Assert.All(written.PlotPaths, p => Assert.True(File.Exists(p), p));
        Assert.Empty(Directory.GetFiles(_dir, "*.partial", SearchOption.AllDirectories));
        Assert.Equal(3, written.Findings.Count);
    }

    [Fact]
    public void Plots_are_800_by_500_pngs_with_something_drawn_on_them()
    {
        var written = ReportWriter.Write(_dir, TestResults.AllHold(), null);
        foreach (var path in written.PlotPaths)
        {
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
            using var bmp = SKBitmap.Decode(bytes);
            Assert.NotNull(bmp);
            Assert.Equal((800, 500), (bmp.Width, bmp.Height));
            // White background with curves, axes and text: a blank or all-dark render would fail one of these.
            int nonWhite = 0;
            for (int y = 0; y < bmp.Height; y += 2)
                for (int x = 0; x < bmp.Width; x += 2)
                    if (bmp.GetPixel(x, y) != SKColors.White)
                        nonWhite++;
            int sampled = (bmp.Width / 2) * (bmp.Height / 2);
            Assert.InRange(nonWhite, sampled / 100, sampled / 2);
            Assert.Equal(SKColors.White, bmp.GetPixel(1, 1));
        }
    }

    [Fact]
    public void Plots_render_on_skiasharp_2_88_and_ml_net_images_read_them_in_the_same_process()
    {
        var version = typeof(SKBitmap).Assembly.GetName().Version!;
        Assert.Equal((2, 88), (version.Major, version.Minor));
        var written = ReportWriter.Write(_dir, TestResults.AllHold(), null);
        // ImageAnalytics breaks on SkiaSharp 3 (stack notes): reading a plot through it proves the two share one SkiaSharp.
        using var image = Microsoft.ML.Data.MLImage.CreateFromFile(written.PlotPaths[0]);
        Assert.Equal((800, 500), (image.Width, image.Height));
    }

    [Fact]
    public void Results_json_round_trips()
    {
        var results = TestResults.AllHold();
        ReportWriter.Write(_dir, results, null);
        string text = File.ReadAllText(Path.Combine(_dir, "results.json"));
        var back = ResultsJson.Read(Path.Combine(_dir, "results.json"));
        Assert.Equal(ResultsJson.Serialize(results), ResultsJson.Serialize(back));
        Assert.Equal(results.Rows, back.Rows);
        Assert.Equal(results.Timings, back.Timings);
        Assert.Contains("\"train_set\": \"real+synthetic\"", text);
        Assert.Contains("\"outer_decile_share\"", text);
        // s = 0 has PSNR +∞ (the set is the real subset): it must survive the trip rather than break the writer.
        Assert.True(double.IsPositiveInfinity(back.Metrics[0].Metrics.Psnr!.Value));
    }

    [Fact]
    public void Csv_has_the_header_and_one_line_per_row_with_empty_strength_for_real()
    {
        var results = TestResults.AllHold();
        ReportWriter.Write(_dir, results, null);
        var lines = File.ReadAllText(Path.Combine(_dir, "results.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("train_set,strength,classifier,seed,accuracy,macro_f1,train_count", lines[0]);
        // 2 classifiers × 3 seeds × (1 real + 3 synthetic + 3 real+synthetic)
        Assert.Equal(42, results.Rows.Count);
        Assert.Equal(results.Rows.Count, lines.Length - 1);
        Assert.StartsWith("real,,maxent,11,0.795,", lines[1]);
        Assert.Contains(lines, l => l.StartsWith("synthetic,0.5,maxent,11,0.695"));
        Assert.All(lines.Skip(1), l => Assert.Equal(7, l.Split(',').Length));
    }

    [Fact]
    public void Csv_quotes_fields_with_commas()
    {
        var csv = ResultsCsv.Format([new ResultRow { Classifier = "a,\"b\"", Accuracy = 0.5 }]);
        Assert.Contains("real,,\"a,\"\"b\"\"\",0,0.5,0,0", csv);
    }

    [Fact]
    public void Markdown_has_the_tables_findings_timings_and_links_to_every_plot_and_the_grid()
    {
        var written = ReportWriter.Write(_dir, TestResults.AllHold(), "grid.png");
        string md = File.ReadAllText(written.ReportPath);
        Assert.StartsWith("# ", md);
        Assert.Contains("## Setup", md);
        Assert.Contains("10 real training images per class × 10 classes", md);
        Assert.Contains("| train set | strength | classifier | seeds | train images | accuracy | macro-F1 |", md);
        Assert.Contains("| real | – | maxent | 3 | 100 | 0.8000 ± 0.0050 | 0.7800 ± 0.0050 |", md);
        Assert.Contains("| synthetic | 0.5 | lightgbm | 3 | 100 | 0.7500 ± 0.0050 |", md);
        Assert.Contains("| strength | start t | FD | precision | recall |", md);
        Assert.Contains("| 1 | 999 | 45.00 | 0.9000 | 0.3000 |", md);
        Assert.Contains("| 0 | – | 5.00 |", md);
        foreach (var p in ExpectedPlots)
            Assert.Contains($"](plots/{p})", md);
        Assert.Contains("![Samples across strengths](grid.png)", md);
        Assert.Contains("| reconstruct | 61.3 |", md);
        Assert.Contains("| **total** | **77.2** |", md);
        Assert.Contains("## Findings, as measured here", md);
        Assert.Equal(3, md.Split("**As measured here: held.**").Length - 1);
    }

    [Fact]
    public void Without_metrics_or_grid_the_report_says_so_and_draws_only_accuracy()
    {
        var written = ReportWriter.Write(_dir, TestResults.AllHold() with { Metrics = [] }, null);
        Assert.Equal(["accuracy_maxent.png", "accuracy_lightgbm.png"], written.PlotPaths.Select(Path.GetFileName));
        string md = File.ReadAllText(written.ReportPath);
        Assert.Contains("No distribution metrics in this run.", md);
        Assert.Contains("No sample grid was written for this run.", md);
        Assert.Contains("**As measured here: no data.** No distribution metrics in these results.", md);
    }
}
