using OnnxDiffusion.Data;
using OnnxDiffusion.Experiments.Results;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>Paths of what <see cref="ReportWriter.Write"/> wrote, and the findings it stated.</summary>
/// <param name="ReportPath">report.md.</param>
/// <param name="JsonPath">results.json.</param>
/// <param name="CsvPath">results.csv.</param>
/// <param name="TimingsPath">timings.json (stage costs; apart from results.json so that file depends only on the plan).</param>
/// <param name="PlotPaths">plots/*.png, in report order.</param>
/// <param name="Findings">The three findings as evaluated.</param>
public sealed record WrittenReport(string ReportPath, string JsonPath, string CsvPath, string TimingsPath, IReadOnlyList<string> PlotPaths,
    IReadOnlyList<Finding> Findings);

/// <summary>The report stage of <c>reproduce</c>: report.md, results.json, results.csv, timings.json and plots/*.png in one folder.</summary>
public static class ReportWriter
{
    /// <summary>Name of the plots folder inside the output folder.</summary>
    public const string PlotsFolder = "plots";

    /// <summary>
    /// Writes everything into <paramref name="outDir"/> (created if missing), every file atomically. report.md comes last, so
    /// its presence means the files it links to are there. <paramref name="sampleGridRelativePath"/> is an image the caller
    /// wrote, relative to <paramref name="outDir"/> (e.g. <c>grid.png</c>); null leaves the grid out.
    /// </summary>
    public static WrittenReport Write(string outDir, ExperimentResults results, string? sampleGridRelativePath)
    {
        ArgumentNullException.ThrowIfNull(results);
        OutputFolder.Create(outDir);
        results = results with { Summary = ResultsSummary.Of(results) };
        string plotsDir = Path.Combine(outDir, PlotsFolder);
        var plots = ReportPlots.WriteAll(plotsDir, results);

        string json = Path.Combine(outDir, "results.json");
        string csv = Path.Combine(outDir, "results.csv");
        ResultsJson.Write(json, results);
        ResultsCsv.Write(csv, results.Rows);
        string timings = Path.Combine(outDir, "timings.json");
        AtomicFile.WriteAllText(timings, System.Text.Json.JsonSerializer.Serialize(results.Timings, ResultsJson.Options) + "\n");

        var findings = FindingsEvaluator.Evaluate(results);
        string report = Path.Combine(outDir, "report.md");
        AtomicFile.WriteAllText(report, MarkdownReport.Render(results, findings, plots, PlotsFolder, sampleGridRelativePath));
        return new WrittenReport(report, json, csv, timings, plots.Select(p => Path.Combine(plotsDir, p.FileName)).ToList(), findings);
    }
}
