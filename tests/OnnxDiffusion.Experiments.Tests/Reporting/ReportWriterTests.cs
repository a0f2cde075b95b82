using OnnxDiffusion.Experiments.Reporting;
using OnnxDiffusion.Experiments.Results;
using SkiaSharp;

namespace OnnxDiffusion.Experiments.Tests.Reporting;

public sealed class ReportWriterTests : IDisposable
{
    private static readonly string[] ExpectedPlots =
        ["accuracy_maxent.png", "accuracy_lightgbm.png", "prdc.png", "fd.png", "mode_concentration.png", "kid.png", "vendi.png",
         "source_identifiability.png", "per_class_prdc.png"];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "od-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Writes_every_file_and_leaves_no_partial_files()
    {
        var written = ReportWriter.Write(_dir, TestResults.AllSupported(), "grid.png");
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
        var written = ReportWriter.Write(_dir, TestResults.AllSupported(), null);
        foreach (var path in written.PlotPaths)
        {
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
            using var bmp = SKBitmap.Decode(bytes);
            Assert.NotNull(bmp);
            // The per-class figure is small multiples: one 360 × 260 panel per class, five to a row.
            Assert.Equal(Path.GetFileName(path) == "per_class_prdc.png" ? (720, 260) : (800, 500), (bmp.Width, bmp.Height));
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
        var written = ReportWriter.Write(_dir, TestResults.AllSupported(), null);
        // ImageAnalytics breaks on SkiaSharp 3 (stack notes): reading a plot through it proves the two share one SkiaSharp.
        using var image = Microsoft.ML.Data.MLImage.CreateFromFile(written.PlotPaths[0]);
        Assert.Equal((800, 500), (image.Width, image.Height));
    }

    [Fact]
    public void Results_json_round_trips_and_carries_the_summaries_but_not_the_timings()
    {
        var results = TestResults.AllSupported();
        var written = ReportWriter.Write(_dir, results, null);
        string text = File.ReadAllText(written.JsonPath);
        var back = ResultsJson.Read(written.JsonPath);
        Assert.Equal(results.Rows, back.Rows);
        Assert.Equal(ResultsJson.Serialize(results with { Summary = ResultsSummary.Of(results) }), ResultsJson.Serialize(back));
        Assert.Contains("\"train_set\": \"real+generated\"", text);
        Assert.Contains("\"outer_decile_share\"", text);
        Assert.Contains("\"ci_low\"", text);
        Assert.Contains("\"delta_accuracy\"", text);
        Assert.DoesNotContain("wall_seconds", text);
        Assert.Contains("\"wall_seconds\"", File.ReadAllText(written.TimingsPath));
        Assert.Equal(5, back.Summary!.Replicates);
        // s = 0 has PSNR +∞ (the set is the real subset): it must survive the trip rather than break the writer.
        Assert.True(double.IsPositiveInfinity(back.Metrics.First(m => m.Strength == 0).Metrics.Psnr!.Value));
    }

    [Fact]
    public void Csv_has_the_header_and_one_line_per_replicate_row_with_empty_strength_for_real()
    {
        var results = TestResults.AllSupported();
        ReportWriter.Write(_dir, results, null);
        var lines = File.ReadAllText(Path.Combine(_dir, "results.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("replicate,train_set,strength,classifier,seed,accuracy,macro_f1,train_count", lines[0]);
        // 5 replicates × 2 classifiers × (real + 2 × (synthetic, real+synthetic) + generated + real+generated)
        Assert.Equal(70, results.Rows.Count);
        Assert.Equal(results.Rows.Count, lines.Length - 1);
        Assert.StartsWith("0,real,,maxent,0,0.78,", lines[1]);
        Assert.Contains(lines, l => l.StartsWith("4,generated,,lightgbm,4,", StringComparison.Ordinal));
        Assert.All(lines.Skip(1), l => Assert.Equal(8, l.Split(',').Length));
    }

    [Fact]
    public void Csv_quotes_fields_with_commas()
    {
        var csv = ResultsCsv.Format([new ResultRow { Classifier = "a,\"b\"", Accuracy = 0.5 }]);
        Assert.Contains("0,real,,\"a,\"\"b\"\"\",0,0.5,0,0", csv);
    }

    [Fact]
    public void Markdown_has_the_tables_findings_timings_and_links_to_every_plot_and_the_grid()
    {
        var written = ReportWriter.Write(_dir, TestResults.AllSupported(), "grid.png");
        string md = File.ReadAllText(written.ReportPath);
        Assert.StartsWith("# ", md);
        Assert.Contains("## Setup", md);
        Assert.Contains("10 real training images per class × 10 classes", md);
        Assert.Contains("R = 5, seeds derived from plan seed 0", md);
        Assert.Contains("| train set | strength | train images | maxent | lightgbm |", md);
        // offsets −0.02 … 0.02 around 0.80: sd 0.01581, 95 % t-interval ± 2.776445 · 0.01581 / √5 = ± 0.01963
        Assert.Contains("| real | – | 100 | 0.8000 ± 0.0158 [0.7804, 0.8196] | 0.8500 ± 0.0158 [0.8304, 0.8696] |", md);
        Assert.Contains("| train set | strength | Δ maxent | Δ lightgbm |", md);
        Assert.Contains("| synthetic | 0 | +0.0000 [+0.0000, +0.0000] (same data as real: 0 by construction) |", md);
        Assert.Contains("| generated | – | −0.1500 [", md);
        Assert.Contains(" †", md);
        Assert.Contains("| set | strength | start t | FD | precision | recall |", md);
        Assert.Contains("| real (ceiling) | – | – | 5.00 ± ", md);
        Assert.Contains("| generated | – | 999 | 45.00 ± ", md);
        Assert.Contains("Spread over the 5 reference draws within a replicate (mean sd): precision 0.0100, recall 0.0200", md);
        foreach (var p in ExpectedPlots)
            Assert.Contains($"](plots/{p})", md);
        Assert.Contains("![Samples across strengths](grid.png)", md);
        Assert.Contains("| synthesis | 61.3 | 0.5 |", md);
        Assert.Contains("| **total** | **77.2** | **1.0** |", md);
        Assert.Contains("## Findings, as measured here", md);
        Assert.Equal(3, md.Split("**As measured here: supported.**").Length - 1);
    }

    [Fact]
    public void Markdown_has_kid_vendi_source_identifiability_and_the_per_class_table()
    {
        string md = File.ReadAllText(ReportWriter.Write(_dir, TestResults.AllSupported(), null).ReportPath);
        Assert.Contains("## Kernel distance, diversity and source identifiability", md);
        Assert.Contains("| set | strength | KID | KID SE | Vendi | own source nearest | own source median rank | copy-like share |", md);
        Assert.Contains("\"Copy-like share\" is the share of a set's images nearer their nearest training image", md);
        // The real row's KID is 5/100 ± jitter with standard error 0.01: more than 2 standard errors from 0.
        Assert.Contains("more than 2 standard errors from 0", md);
        Assert.Contains("median rank (n + 1)/2 = 50.5, with n = 100", md);
        Assert.Contains("## Per-class precision / recall / density / coverage", md);
        Assert.Contains("| class | real (ceiling) | s = 0 | s = 0.5 | generated |", md);
        // One strength above 0 here: no per-class coverage trend to name.
        Assert.DoesNotContain("Finding 2, per class", md);
        Assert.Contains("plots/per_class_prdc.png", md);
        Assert.Contains("plots/source_identifiability.png", md);
    }

    [Fact]
    public void Markdown_states_findings_one_and_three_per_kind_and_finding_two_once()
    {
        var written = ReportWriter.Write(_dir, TestResults.AllSupported(), null);
        string md = File.ReadAllText(written.ReportPath);
        Assert.Equal(2, md.Split("By classifier:\n\n- maxent: supported — ").Length - 1);
        Assert.Contains("- maxent: supported — generated − real: Δ −0.1500 [", md);
        Assert.Contains("- lightgbm: supported — best of 2, real+synthetic s = 0.5 − real", md);
        Assert.Contains("*Not judged per classifier: this finding rests on the distribution metrics", md);
        Assert.Equal(3, md.Split("Evidence:\n\n- ").Length - 1);
    }

    [Fact]
    public void Markdown_explains_how_finding_two_is_judged_with_this_runs_power()
    {
        string md = File.ReadAllText(ReportWriter.Write(_dir, TestResults.AllSupported(), null).ReportPath);
        Assert.Contains("least-squares slope", md);
        Assert.Contains("Holm-corrected at 5 % family-wise", md);
        Assert.Contains("≈ 4.75 %", md);
        // exact power at R = 5 for a slope of 2 sd: 81.8 % carried by one signal, 99.6 % by all three
        Assert.Contains("At this run's R = 5, a true slope of twice the sd of one replicate's slope estimate is found in 81.8 % of runs " +
                        "when one signal carries it alone and 99.6 % when all three do", md);
    }

    [Fact]
    public void Markdown_says_which_regime_each_kind_is()
    {
        string md = File.ReadAllText(ReportWriter.Write(_dir, TestResults.AllSupported(), null).ReportPath);
        Assert.Contains("**Regime:** maxent and lightgbm are linear or tree models on raw pixels.\n", md);
    }

    [Fact]
    public void The_regime_line_names_only_the_regimes_present_and_leaves_unknown_names_unguessed()
    {
        Assert.Equal("resnet18 is a trained head on frozen pretrained features.", MarkdownReport.RegimeLine(["resnet18"]));
        Assert.Equal("maxent is a linear or tree model on raw pixels; resnet18 is a trained head on frozen pretrained features; " +
                     "svm is not a kind this version knows, regime unknown.", MarkdownReport.RegimeLine(["resnet18", "svm", "maxent"]));
        Assert.Null(MarkdownReport.RegimeLine([]));
    }

    [Fact]
    public void One_replicate_says_there_is_no_interval()
    {
        var written = ReportWriter.Write(_dir, TestResults.AllSupported(replicates: 1), null);
        string md = File.ReadAllText(written.ReportPath);
        Assert.Contains("one replicate: no spread or interval can be estimated", md);
        Assert.Contains("| real | – | 100 | 0.7800 (R = 1) |", md);
        Assert.Contains("(no interval at R = 1)", md);
        Assert.Equal(3, md.Split("**As measured here: inconclusive at R = 1.**").Length - 1);
    }

    [Fact]
    public void Without_metrics_or_grid_the_report_says_so_and_draws_only_accuracy()
    {
        var written = ReportWriter.Write(_dir, TestResults.AllSupported() with { Metrics = [] }, null);
        Assert.Equal(["accuracy_maxent.png", "accuracy_lightgbm.png"], written.PlotPaths.Select(Path.GetFileName));
        string md = File.ReadAllText(written.ReportPath);
        Assert.Contains("No distribution metrics in this run.", md);
        Assert.Contains("No sample grid was written for this run.", md);
        Assert.Contains("**As measured here: no data.**", md);
    }
}
