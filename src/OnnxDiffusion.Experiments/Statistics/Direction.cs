namespace OnnxDiffusion.Experiments.Statistics;

/// <summary>Which sign of a difference the paper predicts.</summary>
public enum Direction
{
    /// <summary>The paper predicts the treated value is below the baseline.</summary>
    Negative,

    /// <summary>The paper predicts the treated value is above the baseline.</summary>
    Positive,
}
