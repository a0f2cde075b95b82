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
    public string VerdictText => Verdict switch
    {
        FindingVerdict.Supported => "supported",
        FindingVerdict.Contradicted => "contradicted",
        FindingVerdict.Inconclusive => "inconclusive at R = " + Replicates.ToString(CultureInfo.InvariantCulture),
        FindingVerdict.Mixed => "mixed",
        _ => "no data",
    };
}
