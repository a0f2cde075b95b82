using System.Globalization;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>How one of the paper's findings fared in this run, judged on intervals over independent replicates.</summary>
public enum FindingVerdict
{
    /// <summary>Every interval behind the finding excludes 0 in the paper's direction.</summary>
    Supported,

    /// <summary>Every interval behind the finding excludes 0 the other way.</summary>
    Contradicted,

    /// <summary>No interval excludes 0 (or there are too few replicates for an interval).</summary>
    Inconclusive,

    /// <summary>The comparisons behind the finding disagree (e.g. supported for one classifier, not for another).</summary>
    Mixed,

    /// <summary>The results lack the data the finding needs.</summary>
    NoData,
}

/// <summary>One of the paper's three findings, judged on one run's results.</summary>
/// <param name="Number">1, 2 or 3, as the paper orders them.</param>
/// <param name="Claim">The paper's claim in one sentence.</param>
/// <param name="Verdict">How the claim fared here.</param>
/// <param name="Summary">One sentence with the decisive numbers (or what data are missing).</param>
/// <param name="Evidence">The comparisons behind the verdict, one line each.</param>
/// <param name="Replicates">R, the replicates the intervals rest on.</param>
public sealed record Finding(int Number, string Claim, FindingVerdict Verdict, string Summary, IReadOnlyList<string> Evidence, int Replicates)
{
    /// <summary>The verdict as the report writes it: supported, contradicted, inconclusive at R = n, mixed, no data.</summary>
    public string VerdictText => Describe(Verdict, Replicates);

    /// <summary>
    /// The claim judged for each classifier kind on its own, in the run's classifier order, where the claim is about
    /// classifiers: the overall verdict can hide a kind that disagrees, or a regime (pixels, frozen features, deep from
    /// scratch) where the claim holds and another where it does not. Empty where the claim does not involve a classifier.
    /// </summary>
    public IReadOnlyList<KindVerdict> PerKind { get; init; } = [];

    /// <summary>Why the finding has no per-kind verdicts, where it does not depend on the classifier; null otherwise.</summary>
    public string? NotPerKind { get; init; }

    internal static string Describe(FindingVerdict verdict, int replicates) => verdict switch
    {
        FindingVerdict.Supported => "supported",
        FindingVerdict.Contradicted => "contradicted",
        FindingVerdict.Inconclusive => "inconclusive at R = " + replicates.ToString(CultureInfo.InvariantCulture),
        FindingVerdict.Mixed => "mixed",
        _ => "no data",
    };
}

/// <summary>A finding judged for one classifier kind alone.</summary>
/// <param name="Kind">The classifier kind's name, as in the results.</param>
/// <param name="Verdict">How the claim fared for this kind.</param>
/// <param name="Summary">The comparison behind it with its numbers (or what data are missing), without the kind's name.</param>
/// <param name="Replicates">The replicates this kind's comparison rests on.</param>
public sealed record KindVerdict(string Kind, FindingVerdict Verdict, string Summary, int Replicates)
{
    /// <summary>The verdict as the report writes it, like <see cref="Finding.VerdictText"/>.</summary>
    public string VerdictText => Finding.Describe(Verdict, Replicates);
}
