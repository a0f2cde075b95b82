namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>How one of the paper's findings fared in this run.</summary>
public enum FindingVerdict
{
    /// <summary>Every comparison behind the finding points the paper's way.</summary>
    Held,

    /// <summary>No comparison points the paper's way.</summary>
    NotHeld,

    /// <summary>Some comparisons do, some do not (or the effect is within seed noise).</summary>
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
public sealed record Finding(int Number, string Claim, FindingVerdict Verdict, string Summary, IReadOnlyList<string> Evidence)
{
    /// <summary>The verdict as the report writes it: held, not held, mixed, no data.</summary>
    public string VerdictText => Verdict switch
    {
        FindingVerdict.Held => "held",
        FindingVerdict.NotHeld => "not held",
        FindingVerdict.Mixed => "mixed",
        _ => "no data",
    };
}
