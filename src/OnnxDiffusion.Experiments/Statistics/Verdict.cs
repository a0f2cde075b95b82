namespace OnnxDiffusion.Experiments.Statistics;

/// <summary>The outcome of judging a claim on an interval.</summary>
public enum Verdict
{
    /// <summary>The interval excludes zero on the side the paper predicts.</summary>
    Supported,

    /// <summary>The interval excludes zero on the side opposite to the paper's.</summary>
    Contradicted,

    /// <summary>The interval holds zero, or there is no interval to judge.</summary>
    Inconclusive,
}
