using System.Text;
using OnnxDiffusion.Classification;
using OnnxDiffusion.Experiments.Results;
using OnnxDiffusion.Experiments.Statistics;
using static OnnxDiffusion.Experiments.Reporting.ReportFormat;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>report.md: setup, findings, accuracy with intervals, paired differences, metrics with the real-vs-real ceiling, plots, grid, timings.</summary>
public static class MarkdownReport
{
    /// <summary>
    /// The markdown text. <paramref name="plotsFolder"/> is the plots' folder relative to report.md;
    /// <paramref name="sampleGridRelativePath"/> (relative to report.md) is linked when given.
    /// </summary>
    public static string Render(ExperimentResults results, IReadOnlyList<Finding> findings, IReadOnlyList<ReportPlot> plots,
        string plotsFolder, string? sampleGridRelativePath)
    {
        var summary = results.Summary ?? ResultsSummary.Of(results);
        var sb = new StringBuilder();
        sb.Append("# Synthetic training sets from diffusion models — ").Append(Escape(results.Profile)).Append(" profile\n\n");
        sb.Append("Reproduction of Yamaguchi, *Analyzing Diffusion Models on Synthesizing Training Datasets* (ACML 2025): ")
          .Append("each real training image is noised to the start step of strength s and denoised with its label, and a generated set ")
          .Append("of the same size and balance is sampled from pure noise; classifiers trained on real, synthetic and real + synthetic sets ")
          .Append("are scored on the real test set. Every number is over independent replicates, each with its own real subset, ")
          .Append("diffusion noise and trainer seed.\n\n");
        Setup(sb, results, summary);
        Findings(sb, results, summary.Replicates, findings);
        AccuracyTable(sb, results, summary);
        DifferenceTable(sb, results, summary);
        MetricsTable(sb, results, summary);
        KernelDiversityIdentityTable.Append(sb, results, summary);
        PerClassTable.Append(sb, results, summary);
        Plots(sb, plots, plotsFolder);
        Grid(sb, sampleGridRelativePath);
        Timings(sb, results);
        return sb.ToString();
    }

    private static void Setup(StringBuilder sb, ExperimentResults r, ResultsSummary summary)
    {
        var s = r.Setup;
        sb.Append("## Setup\n\n");
        Item(sb, "Model", $"{s.Model}" + (s.ModelSha256.Length > 0 ? $" ({(s.Latent is null ? "U-Net" : "pipeline graphs")} sha256 `{s.ModelSha256}`)" : "") +
                          (s.ModelDescription.Length > 0 ? $"; described by {s.ModelDescription}" : ""));
        Item(sb, "Dataset", $"{s.Dataset}: {s.PerClass.ToString(Inv)} real training images per class × {s.Classes.ToString(Inv)} classes per replicate; " +
                            $"{s.TestCount.ToString(Inv)} real test images");
        Item(sb, "Sampler", $"{s.Sampler} ran, {s.Steps.ToString(Inv)} inference steps, guidance {Num(s.Guidance, 2)}" +
                            (s.Schedule.Length > 0 ? $"; schedule from {s.Schedule}" : ""));
        Item(sb, "Strengths", (r.Strengths.Count == 0 ? "none" : string.Join(", ", r.Strengths.Select(Strength))) +
                              (s.Generated ? "; plus a generated set (pure noise, class-conditional, same size and balance), plotted at s = 1" : ""));
        Item(sb, "Classifiers", string.Join(", ", s.Classifiers));
        Item(sb, "Replicates", $"R = {summary.Replicates.ToString(Inv)}, seeds derived from plan seed {s.Seed.ToString(Inv)}" +
                               (summary.Replicates < 2 ? " — one replicate: no spread or interval can be estimated, and every finding is inconclusive" : ""));
        if (s.Draws > 0)
            Item(sb, "Metrics", $"{s.Features}; precision / recall / density / coverage averaged over {s.Draws.ToString(Inv)} equal-size class-balanced draws of the real test set; " +
                                "FD and mode measures against the whole test set");
        if (s.Latent is { } latent)
            Item(sb, "Latent model", latent);
        foreach (var note in s.Notes)
            Item(sb, "Note", note);
        Item(sb, "Device", s.Device);
        Item(sb, "Machine", s.Machine);
        sb.Append('\n');
    }

    // A latent model's strength-0 sets are the VAE round trip: the row says so, so the VAE's loss is read apart from the diffusion's.
    private static string StrengthCell(ExperimentResults r, string set, double? strength) => strength switch
    {
        null => "–",
        0 when r.Setup.Latent is not null && set is TrainSets.Synthetic or TrainSets.RealPlusSynthetic => "0 (VAE round trip)",
        { } v => Strength(v),
    };

    private static void Item(StringBuilder sb, string name, string value) =>
        sb.Append("- **").Append(name).Append(":** ").Append(value.Length == 0 ? "(not recorded)" : Escape(value)).Append('\n');

    private static void Findings(StringBuilder sb, ExperimentResults r, int replicates, IReadOnlyList<Finding> findings)
    {
        sb.Append("## Findings, as measured here\n\n");
        sb.Append("Findings 1 and 3 are judged on 95 % paired-t intervals over replicates (Δ = this set − the same replicate's real set), ")
          .Append("for each classifier kind and overall: supported when the interval excludes 0 in the paper's direction, contradicted when it ")
          .Append("excludes 0 the other way, otherwise inconclusive at this R; overall, mixed when the kinds disagree.\n\n");
        sb.Append("Finding 2 states a trend (\"as the start step grows\"), so it is judged on one: within each replicate, the least-squares slope ")
          .Append("of each signal on the reconstruction strengths above 0 (strength 0's set is the real subset itself; with a single strength above 0 ")
          .Append("the trend starts from the real subset, at strength 0), then a t-test over the replicates' slopes. The slope uses every strength ")
          .Append("of the sweep, not only its ends, and fitting within a replicate removes that replicate's own level, as pairing does for findings 1 and 3.\n\n")
          .Append("The signals were fixed before any run was looked at: coverage and recall (how much of the real distribution, outer edges included, ")
          .Append("the synthetic set reaches) and the outer-decile share (synthetic samples beyond their class's real 90th distance percentile); the paper ")
          .Append("predicts that all three fall. The centroid-distance ratio is shown beside them as secondary evidence, outside the test.\n\n")
          .Append("Each signal gets a one-sided t-test in the paper's direction and another in the opposite one; each direction is a family of three, ")
          .Append("Holm-corrected at 5 % family-wise. Supported: at least one signal survives in the paper's direction and none the other way; ")
          .Append("contradicted: the mirror case; mixed: both; otherwise inconclusive. The tests are one-sided because the claim names its direction ")
          .Append("in advance. With no trend in three independent signals, a run is then called supported (1 − 0.05/3)³ − (1 − 0.1/3)³ ≈ 4.75 % ")
          .Append("of the time, and contradicted as often; signals that move together, as coverage and recall tend to, make both rarer (Holm keeps ")
          .Append("each family at or below 5 % under any dependence). Two-sided tests at 5 % would give about 2.4 % and less power for a claim whose direction was ")
          .Append("fixed beforehand; the price of one-sided tests is a laxer bar per side (5 %) than the 2.5 % per side of findings 1 and 3's intervals. ")
          .Append(TrendPower(replicates))
          .Append("Slope intervals are 90 % t-intervals, whose ends are the one-sided 5 % bounds before Holm; the endpoint difference ")
          .Append("(lowest to highest strength, 95 % paired-t) and the shape of the means are kept as evidence.\n\n");
        if (RegimeLine(ResultsSummary.Classifiers(r)) is { } regimes)
            sb.Append("**Regime:** ").Append(Escape(regimes)).Append("\n\n");
        foreach (var f in findings)
        {
            sb.Append("### ").Append(f.Number.ToString(Inv)).Append(". ").Append(f.Claim).Append("\n\n");
            sb.Append("**As measured here: ").Append(f.VerdictText).Append(".** ").Append(Escape(f.Summary)).Append("\n\n");
            if (f.PerKind.Count > 0)
            {
                sb.Append("By classifier:\n\n");
                foreach (var k in f.PerKind)
                    sb.Append("- ").Append(Escape(k.Kind)).Append(": ").Append(k.VerdictText).Append(" — ").Append(Escape(k.Summary)).Append('\n');
                sb.Append('\n');
            }
            else if (f.NotPerKind is { } note)
                sb.Append('*').Append(Escape(note)).Append("*\n\n");
            if (f.Evidence.Count > 0)
            {
                sb.Append("Evidence:\n\n");
                foreach (var e in f.Evidence)
                    sb.Append("- ").Append(Escape(e)).Append('\n');
                sb.Append('\n');
            }
        }
    }

    // Power in units of one replicate's slope sd depends on R alone, not on how many strengths the sweep has, so it can be
    // stated for this run before its results are read.
    private static string TrendPower(int replicates) => replicates < 2
        ? "With one replicate there is no slope sd, so no test. "
        : $"At this run's R = {replicates.ToString(Inv)}, a true slope of twice the sd of one replicate's slope estimate is found in " +
          $"{Num(100 * TrendDecision.PowerOfSupport(replicates, [2, 0, 0]), 1)} % of runs when one signal carries it alone and " +
          $"{Num(100 * TrendDecision.PowerOfSupport(replicates, [2, 2, 2]), 1)} % when all three do (exact, for independent signals; " +
          "the calibration tests check it by simulation). ";

    /// <summary>
    /// Which regime each classifier kind of the run belongs to, only the regimes present, or null without classifiers. A name
    /// this version does not know (results from another version) is said to be unknown rather than guessed.
    /// </summary>
    internal static string? RegimeLine(IReadOnlyList<string> classifiers)
    {
        if (classifiers.Count == 0)
            return null;
        var groups = classifiers.Where(c => ClassifierKinds.RegimeOf(c) is not null)
            .GroupBy(c => ClassifierKinds.RegimeOf(c)!.Value).ToDictionary(g => g.Key, g => g.ToList());
        var unknown = classifiers.Where(c => ClassifierKinds.RegimeOf(c) is null).ToList();
        var parts = new List<string>();
        void Add(ClassifierRegime regime, string one, string many)
        {
            if (groups.TryGetValue(regime, out var names))
                parts.Add(JoinAnd(names) + (names.Count == 1 ? " is " + one : " are " + many));
        }
        Add(ClassifierRegime.DeepFromScratch, "a deep network trained from scratch on the training images", "deep networks trained from scratch on the training images");
        Add(ClassifierRegime.PixelModel, "a linear or tree model on raw pixels", "linear or tree models on raw pixels");
        Add(ClassifierRegime.FrozenPretrainedFeatures, "a trained head on frozen pretrained features", "trained heads on frozen pretrained features");
        if (unknown.Count > 0)
            parts.Add(JoinAnd(unknown) + (unknown.Count == 1 ? " is not a kind" : " are not kinds") + " this version knows, regime unknown");
        return string.Join("; ", parts) + ".";
    }

    private static IEnumerable<(string TrainSet, double? Strength)> TrainRows(ResultsSummary s) =>
        s.Accuracy.Select(c => (c.TrainSet, c.Strength)).Distinct();

    private static void AccuracyTable(StringBuilder sb, ExperimentResults r, ResultsSummary s)
    {
        sb.Append("## Classifier accuracy on the real test set\n\n");
        if (s.Accuracy.Count == 0)
        {
            sb.Append("No classifier results in this run.\n\n");
            return;
        }
        var classifiers = ResultsSummary.Classifiers(r);
        sb.Append(s.Replicates < 2 ? "One replicate: each value is that replicate's alone, with no spread or interval.\n\n"
            : $"Mean ± sd [95 % t-interval] over R = {s.Replicates.ToString(Inv)} replicates.\n\n");
        sb.Append("| train set | strength | train images | ").Append(string.Join(" | ", classifiers.Select(Escape))).Append(" |\n");
        sb.Append("|---|---:|---:|").Append(string.Concat(classifiers.Select(_ => "---:|"))).Append('\n');
        foreach (var (set, strength) in TrainRows(s))
        {
            var cells = classifiers.Select(c => s.AccuracyOf(set, strength, c)).ToList();
            sb.Append("| ").Append(Escape(set)).Append(" | ").Append(StrengthCell(r, set, strength))
              .Append(" | ").Append(cells.Where(c => c is not null).Select(c => c!.TrainCount).DefaultIfEmpty(0).Max().ToString(Inv));
            foreach (var c in cells)
                sb.Append(" | ").Append(c is null ? "–" : MeanSdCi(c.Accuracy));
            sb.Append(" |\n");
        }
        sb.Append('\n');
    }

    private static void DifferenceTable(StringBuilder sb, ExperimentResults r, ResultsSummary s)
    {
        if (s.Differences.Count == 0)
            return;
        var classifiers = ResultsSummary.Classifiers(r);
        var best = classifiers.ToDictionary(c => c, c => s.Differences
            .Where(d => d.Classifier == c && (d.TrainSet == TrainSets.RealPlusSynthetic && d.Strength > 0 || d.TrainSet == TrainSets.RealPlusGenerated))
            .MaxBy(d => d.Delta.Mean));
        sb.Append("## Paired differences against real\n\n");
        sb.Append("Per replicate, accuracy of the set minus the accuracy of the same replicate's real set; mean [95 % paired-t interval].\n\n");
        sb.Append("| train set | strength | ").Append(string.Join(" | ", classifiers.Select(c => "Δ " + Escape(c)))).Append(" |\n");
        sb.Append("|---|---:|").Append(string.Concat(classifiers.Select(_ => "---:|"))).Append('\n');
        foreach (var (set, strength) in TrainRows(s).Where(x => x.TrainSet != TrainSets.Real))
        {
            sb.Append("| ").Append(Escape(set)).Append(" | ").Append(StrengthCell(r, set, strength));
            foreach (var c in classifiers)
            {
                var d = s.DifferenceOf(set, strength, c);
                sb.Append(" | ").Append(d is null ? "–" : DeltaCi(d.Delta) + (d.SameData ? " (same data as real: 0 by construction)" : "")
                                                      + (best[c] == d && d is not null ? " †" : ""));
            }
            sb.Append(" |\n");
        }
        sb.Append("\n† the best real + synthetic set for that classifier, chosen on the test set: its gain is optimistic, so finding 3 judges it ")
          .Append("on a Bonferroni-adjusted interval.\n\n");
    }

    private static IEnumerable<MetricDefinition> MainColumns => MetricDefinition.All.Where(d => d.Table == 1);

    private static void MetricsTable(StringBuilder sb, ExperimentResults r, ResultsSummary s)
    {
        sb.Append("## Distribution metrics\n\n");
        if (s.Metrics.Count == 0)
        {
            sb.Append("No distribution metrics in this run.\n\n");
            return;
        }
        sb.Append("Each set against the real test set in the feature space, ")
          .Append(s.Replicates < 2 ? "one replicate (no spread). " : $"mean ± sd over R = {s.Replicates.ToString(Inv)} replicates. ")
          .Append("The first row is the replicate's own real subset measured the same way: the real-vs-real ceiling a synthetic set of that size can reach. ")
          .Append("Real data score 0.1 on outer-decile share and 1 on the centroid-distance ratio.\n\n");
        sb.Append("| set | strength | start t | ").Append(string.Join(" | ", MainColumns.Select(d => d.Label))).Append(" |\n");
        sb.Append("|---|---:|---:|").Append(string.Concat(MainColumns.Select(_ => "---:|"))).Append('\n');
        foreach (var cell in s.Metrics)
        {
            sb.Append("| ").Append(cell.Set == MetricSets.Real ? "real (ceiling)" : Escape(cell.Set))
              .Append(" | ").Append(StrengthCell(r, cell.Set, cell.Strength))
              .Append(" | ").Append(cell.StartTimestep?.ToString(Inv) ?? "–");
            foreach (var d in MainColumns)
                sb.Append(" | ").Append(cell.Values.TryGetValue(d.Name, out var x) ? MeanSd(x, d.Name is "fd" or "psnr" ? 2 : 4) : "–");
            sb.Append(" |\n");
        }
        sb.Append('\n');
        var drawSd = MetricDefinition.Prdc.Select(p => (p.Name, Values: s.Metrics.Where(c => c.DrawSd.ContainsKey(p.Name)).Select(c => c.DrawSd[p.Name]).ToList()))
            .Where(x => x.Values.Count > 0).ToList();
        if (drawSd.Count > 0)
            sb.Append($"Spread over the {r.Setup.Draws.ToString(Inv)} reference draws within a replicate (mean sd): ")
              .Append(string.Join(", ", drawSd.Select(x => $"{x.Name} {Num(x.Values.Average())}"))).Append(".\n\n");
        var warnings = r.Metrics.SelectMany(m => m.Metrics.Warnings.Select(w => $"{FindingsEvaluator.SetName(m.Set, m.Strength)}: {w}"))
            .Distinct().ToList();
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
        sb.Append("Replicate 0: the first real image of each class (left), its reconstruction at each strength, and the generated set's first image of that class (right).\n\n");
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
        sb.Append("Compute is what each stage's results cost when they were first made (units that ran side by side add up); ")
          .Append("this run is the wall time here, near 0 for what came from the cache.\n\n");
        sb.Append("| stage | compute (s) | this run (s) |\n|---|---:|---:|\n");
        foreach (var t in r.Timings)
            sb.Append("| ").Append(Escape(t.Stage)).Append(" | ").Append(Num(t.ComputeSeconds, 1)).Append(" | ").Append(Num(t.WallSeconds, 1)).Append(" |\n");
        sb.Append("| **total** | **").Append(Num(r.Timings.Sum(t => t.ComputeSeconds), 1)).Append("** | **")
          .Append(Num(r.Timings.Sum(t => t.WallSeconds), 1)).Append("** |\n");
    }

    // Table cells break on '|' and links on spaces or parentheses; nothing else in our text is markdown syntax that matters.
    private static string Escape(string s) => s.Replace("|", "\\|").Replace("\n", " ");

    private static string LinkPath(string path) =>
        path.Replace('\\', '/').Replace(" ", "%20").Replace("(", "%28").Replace(")", "%29");
}
