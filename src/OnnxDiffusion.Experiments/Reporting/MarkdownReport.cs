using System.Text;
using OnnxDiffusion.Experiments.Results;
using static OnnxDiffusion.Experiments.Reporting.ReportFormat;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>report.md: setup, accuracy and metrics tables, plots, sample grid, timings, and the three findings as measured.</summary>
public static class MarkdownReport
{
    /// <summary>
    /// The markdown text. <paramref name="plotsFolder"/> is the plots' folder relative to report.md;
    /// <paramref name="sampleGridRelativePath"/> (relative to report.md) is linked when given.
    /// </summary>
    public static string Render(ExperimentResults results, IReadOnlyList<Finding> findings, IReadOnlyList<ReportPlot> plots,
        string plotsFolder, string? sampleGridRelativePath)
    {
        var sb = new StringBuilder();
        sb.Append("# Synthetic training sets from diffusion reconstructions — ").Append(Escape(results.Profile)).Append(" profile\n\n");
        sb.Append("Reproduction of Yamaguchi, *Analyzing Diffusion Models on Synthesizing Training Datasets* (ACML 2025): ")
          .Append("each real training image is noised to the start step of strength s and denoised with its label; ")
          .Append("classifiers trained on real, synthetic and real + synthetic sets are scored on the real test set.\n\n");
        Setup(sb, results);
        Findings(sb, findings);
        AccuracyTable(sb, results);
        MetricsTable(sb, results);
        Plots(sb, plots, plotsFolder);
        Grid(sb, sampleGridRelativePath);
        Timings(sb, results);
        return sb.ToString();
    }

    private static void Setup(StringBuilder sb, ExperimentResults r)
    {
        var s = r.Setup;
        sb.Append("## Setup\n\n");
        Item(sb, "Model", $"{s.Model}" + (s.ModelSha256.Length > 0 ? $" (U-Net sha256 `{s.ModelSha256}`)" : ""));
        Item(sb, "Dataset", $"{s.Dataset}: {s.PerClass.ToString(Inv)} real training images per class × {s.Classes.ToString(Inv)} classes; " +
                            $"{s.TestCount.ToString(Inv)} real test images");
        Item(sb, "Sampler", $"{s.Sampler}, {s.Steps.ToString(Inv)} inference steps, guidance {Num(s.Guidance, 2)}");
        Item(sb, "Strengths", r.Strengths.Count == 0 ? "" : string.Join(", ", r.Strengths.Select(Strength)));
        Item(sb, "Classifiers", string.Join(", ", s.Classifiers));
        Item(sb, "Seeds", string.Join(", ", s.Seeds.Select(x => x.ToString(Inv))));
        Item(sb, "Device", s.Device);
        Item(sb, "Machine", s.Machine);
        sb.Append('\n');
    }

    private static void Item(StringBuilder sb, string name, string value) =>
        sb.Append("- **").Append(name).Append(":** ").Append(value.Length == 0 ? "(not recorded)" : Escape(value)).Append('\n');

    private static void Findings(StringBuilder sb, IReadOnlyList<Finding> findings)
    {
        sb.Append("## Findings, as measured here\n\n");
        foreach (var f in findings)
        {
            sb.Append("### ").Append(f.Number.ToString(Inv)).Append(". ").Append(f.Claim).Append("\n\n");
            sb.Append("**As measured here: ").Append(f.VerdictText).Append(".** ").Append(Escape(f.Summary)).Append("\n\n");
            foreach (var e in f.Evidence)
                sb.Append("- ").Append(Escape(e)).Append('\n');
            if (f.Evidence.Count > 0)
                sb.Append('\n');
        }
    }

    private static void AccuracyTable(StringBuilder sb, ExperimentResults r)
    {
        sb.Append("## Classifier accuracy on the real test set\n\n");
        var cells = AccuracySummary.Of(r);
        if (cells.Count == 0)
        {
            sb.Append("No classifier results in this run.\n\n");
            return;
        }
        sb.Append("Mean ± sample sd over seeds (no sd for a single seed).\n\n");
        sb.Append("| train set | strength | classifier | seeds | train images | accuracy | macro-F1 |\n");
        sb.Append("|---|---:|---|---:|---:|---:|---:|\n");
        foreach (var c in cells)
            sb.Append("| ").Append(Escape(c.TrainSet))
              .Append(" | ").Append(c.Strength is { } s ? Strength(s) : "–")
              .Append(" | ").Append(Escape(c.Classifier))
              .Append(" | ").Append(c.Count.ToString(Inv))
              .Append(" | ").Append(c.TrainCount.ToString(Inv))
              .Append(" | ").Append(MeanSd(c.MeanAccuracy, c.SdAccuracy))
              .Append(" | ").Append(MeanSd(c.MeanMacroF1, c.SdMacroF1))
              .Append(" |\n");
        sb.Append('\n');
    }

    private static void MetricsTable(StringBuilder sb, ExperimentResults r)
    {
        sb.Append("## Distribution metrics per strength\n\n");
        if (r.Metrics.Count == 0)
        {
            sb.Append("No distribution metrics in this run.\n\n");
            return;
        }
        sb.Append("Synthetic set against the real test set in the feature space; real data score 0.1 on outer-decile share and 1 on the centroid-distance ratio.\n\n");
        sb.Append("| strength | start t | FD | precision | recall | density | coverage | outer-decile share | centroid-distance ratio | label fidelity | PSNR (dB) | MSE |\n");
        sb.Append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var sm in r.Metrics.OrderBy(m => m.Strength))
        {
            var m = sm.Metrics;
            sb.Append("| ").Append(Strength(sm.Strength))
              .Append(" | ").Append(sm.StartTimestep?.ToString(Inv) ?? "–")
              .Append(" | ").Append(Num(m.Fd, 2))
              .Append(" | ").Append(Num(m.Precision))
              .Append(" | ").Append(Num(m.Recall))
              .Append(" | ").Append(Num(m.Density))
              .Append(" | ").Append(Num(m.Coverage))
              .Append(" | ").Append(Num(m.OuterDecileShare))
              .Append(" | ").Append(Num(m.CentroidDistanceRatio))
              .Append(" | ").Append(Num(m.LabelFidelity))
              .Append(" | ").Append(m.Psnr is { } p && double.IsPositiveInfinity(p) ? "∞" : Num(m.Psnr, 2))
              .Append(" | ").Append(m.Mse is { } e ? e.ToString("G4", Inv) : "–")
              .Append(" |\n");
        }
        sb.Append('\n');
        var warnings = r.Metrics.OrderBy(m => m.Strength)
            .SelectMany(m => m.Metrics.Warnings.Select(w => $"s = {Strength(m.Strength)}: {w}")).ToList();
        foreach (var w in warnings)
            sb.Append("- Warning, ").Append(Escape(w)).Append('\n');
        if (warnings.Count > 0)
            sb.Append('\n');
    }

    private static void Plots(StringBuilder sb, IReadOnlyList<ReportPlot> plots, string plotsFolder)
    {
        sb.Append("## Plots\n\n");
        if (plots.Count == 0)
        {
            sb.Append("No plots: the run has neither classifier results nor metrics.\n\n");
            return;
        }
        foreach (var p in plots)
            sb.Append("![").Append(Escape(p.Title)).Append("](").Append(LinkPath(plotsFolder + "/" + p.FileName)).Append(")\n\n");
    }

    private static void Grid(StringBuilder sb, string? gridPath)
    {
        sb.Append("## Samples across strengths\n\n");
        if (string.IsNullOrEmpty(gridPath))
        {
            sb.Append("No sample grid was written for this run.\n\n");
            return;
        }
        sb.Append("The same source images (rows) reconstructed at each strength (columns).\n\n");
        sb.Append("![Samples across strengths](").Append(LinkPath(gridPath)).Append(")\n\n");
    }

    private static void Timings(StringBuilder sb, ExperimentResults r)
    {
        sb.Append("## Timings\n\n");
        if (r.Timings.Count == 0)
        {
            sb.Append("No stage timings recorded.\n");
            return;
        }
        sb.Append("| stage | seconds |\n|---|---:|\n");
        foreach (var (stage, seconds) in r.Timings)
            sb.Append("| ").Append(Escape(stage)).Append(" | ").Append(Num(seconds, 1)).Append(" |\n");
        sb.Append("| **total** | **").Append(Num(r.Timings.Values.Sum(), 1)).Append("** |\n");
    }

    // Table cells break on '|' and links on spaces or parentheses; nothing else in our text is markdown syntax that matters.
    private static string Escape(string s) => s.Replace("|", "\\|").Replace("\n", " ");

    private static string LinkPath(string path) =>
        path.Replace('\\', '/').Replace(" ", "%20").Replace("(", "%28").Replace(")", "%29");
}
