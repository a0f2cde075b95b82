using System.Text.Json.Serialization;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Experiments.Results;

/// <summary>Names of the kinds of training set in the protocol.</summary>
public static class TrainSets
{
    /// <summary>The replicate's real subset alone.</summary>
    public const string Real = "real";

    /// <summary>The reconstructions of one strength alone (same size and class balance as the real subset).</summary>
    public const string Synthetic = "synthetic";

    /// <summary>The generated set alone: pure noise, class-conditional, same size and class balance.</summary>
    public const string Generated = "generated";

    /// <summary>The real subset and the reconstructions of one strength together.</summary>
    public const string RealPlusSynthetic = "real+synthetic";

    /// <summary>The real subset and the generated set together.</summary>
    public const string RealPlusGenerated = "real+generated";

    /// <summary>Every kind, in the order the report lists them.</summary>
    public static readonly IReadOnlyList<string> Order = [Real, Synthetic, Generated, RealPlusSynthetic, RealPlusGenerated];
}

/// <summary>Names of the sets the distribution metrics describe.</summary>
public static class MetricSets
{
    /// <summary>The replicate's own real subset: the real-vs-real ceiling.</summary>
    public const string Real = "real";

    /// <summary>Reconstructions of one strength.</summary>
    public const string Synthetic = "synthetic";

    /// <summary>The generated set.</summary>
    public const string Generated = "generated";

    /// <summary>Every kind, in the order the report lists them.</summary>
    public static readonly IReadOnlyList<string> Order = [Real, Synthetic, Generated];
}

/// <summary>One trained classifier's score on the real test set.</summary>
public sealed record ResultRow
{
    /// <summary>Replicate index r (0-based).</summary>
    [JsonPropertyName("replicate")] public int Replicate { get; init; }

    /// <summary>One of <see cref="TrainSets"/>.</summary>
    [JsonPropertyName("train_set")] public string TrainSet { get; init; } = TrainSets.Real;

    /// <summary>Reconstruction strength of the synthetic part; null for real and generated sets.</summary>
    [JsonPropertyName("strength")] public double? Strength { get; init; }

    /// <summary>Classifier kind (maxent, lightgbm, …).</summary>
    [JsonPropertyName("classifier")] public string Classifier { get; init; } = "";

    /// <summary>Trainer seed (the replicate index).</summary>
    [JsonPropertyName("seed")] public int Seed { get; init; }

    /// <summary>Accuracy on the real test set.</summary>
    [JsonPropertyName("accuracy")] public double Accuracy { get; init; }

    /// <summary>Macro-F1 on the real test set.</summary>
    [JsonPropertyName("macro_f1")] public double MacroF1 { get; init; }

    /// <summary>Training images.</summary>
    [JsonPropertyName("train_count")] public int TrainCount { get; init; }
}

/// <summary>Distribution metrics of one set of one replicate.</summary>
public sealed record SetMetricsRow
{
    /// <summary>Replicate index r.</summary>
    [JsonPropertyName("replicate")] public int Replicate { get; init; }

    /// <summary>One of <see cref="MetricSets"/>.</summary>
    [JsonPropertyName("set")] public string Set { get; init; } = MetricSets.Synthetic;

    /// <summary>Reconstruction strength; null for the real subset and the generated set.</summary>
    [JsonPropertyName("strength")] public double? Strength { get; init; }

    /// <summary>First timestep of the synthesis (null when no step ran).</summary>
    [JsonPropertyName("start_timestep")] public int? StartTimestep { get; init; }

    /// <summary>The metrics against the real test set.</summary>
    [JsonPropertyName("metrics")] public SyntheticSetMetrics Metrics { get; init; } = new();
}

/// <summary>One stage's cost: the compute it took when its results were first made, and this run's wall time.</summary>
public sealed record StageTiming
{
    /// <summary>Stage name.</summary>
    [JsonPropertyName("stage")] public string Stage { get; init; } = "";

    /// <summary>Seconds of compute when each of its results was first made (summed over units that ran side by side).</summary>
    [JsonPropertyName("compute_seconds")] public double ComputeSeconds { get; init; }

    /// <summary>Wall seconds of this run (≈ 0 when everything came from the cache).</summary>
    [JsonPropertyName("wall_seconds")] public double WallSeconds { get; init; }
}

/// <summary>The run's setup, as the report states it.</summary>
public sealed record ExperimentSetup
{
    /// <summary>Model folder name.</summary>
    [JsonPropertyName("model")] public string Model { get; init; } = "";

    /// <summary>sha256 of the U-Net .onnx.</summary>
    [JsonPropertyName("model_sha256")] public string ModelSha256 { get; init; } = "";

    /// <summary>Dataset folder name.</summary>
    [JsonPropertyName("dataset")] public string Dataset { get; init; } = "";

    /// <summary>Real training images per class.</summary>
    [JsonPropertyName("per_class")] public int PerClass { get; init; }

    /// <summary>Number of classes.</summary>
    [JsonPropertyName("classes")] public int Classes { get; init; }

    /// <summary>Real test images.</summary>
    [JsonPropertyName("test_count")] public int TestCount { get; init; }

    /// <summary>Sampler name.</summary>
    [JsonPropertyName("sampler")] public string Sampler { get; init; } = "";

    /// <summary>Inference steps N.</summary>
    [JsonPropertyName("steps")] public int Steps { get; init; }

    /// <summary>Guidance scale.</summary>
    [JsonPropertyName("guidance")] public double Guidance { get; init; }

    /// <summary>Classifier kinds.</summary>
    [JsonPropertyName("classifiers")] public IReadOnlyList<string> Classifiers { get; init; } = [];

    /// <summary>Independent replicates R.</summary>
    [JsonPropertyName("replicates")] public int Replicates { get; init; }

    /// <summary>Equal-size real draws per P/R/D/C value (0 without metrics).</summary>
    [JsonPropertyName("draws")] public int Draws { get; init; }

    /// <summary>Whether each replicate has a generated set.</summary>
    [JsonPropertyName("generated")] public bool Generated { get; init; }

    /// <summary>Plan seed every replicate's seeds derive from.</summary>
    [JsonPropertyName("seed")] public ulong Seed { get; init; }

    /// <summary>Feature space of the metrics.</summary>
    [JsonPropertyName("features")] public string Features { get; init; } = "";

    /// <summary>Execution provider and kernel accelerator.</summary>
    [JsonPropertyName("device")] public string Device { get; init; } = "";

    /// <summary>Machine description (cores, OS).</summary>
    [JsonPropertyName("machine")] public string Machine { get; init; } = "";

    /// <summary>Where the model's description came from (model.json, or what it was inferred from).</summary>
    [JsonPropertyName("model_description")] public string ModelDescription { get; init; } = "";

    /// <summary>The scheduler config the sampler's schedule was read from.</summary>
    [JsonPropertyName("schedule")] public string Schedule { get; init; } = "";

    /// <summary>
    /// A latent model's description (VAE, latent shape, scaling factor, prompts); absent for pixel models. Its strength-0
    /// rows are then the VAE round trip, not the real images.
    /// </summary>
    [JsonPropertyName("latent")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Latent { get; init; }

    /// <summary>What the run did differently from the plan, and why (e.g. no generated set for an unconditional model).</summary>
    [JsonPropertyName("notes")] public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>Everything <c>reproduce</c> measured: the content of results.json.</summary>
public sealed record ExperimentResults
{
    /// <summary>quick | default | full | custom.</summary>
    [JsonPropertyName("profile")] public string Profile { get; init; } = "default";

    /// <summary>The strength sweep.</summary>
    [JsonPropertyName("strengths")] public IReadOnlyList<double> Strengths { get; init; } = [];

    /// <summary>One row per trained classifier and replicate.</summary>
    [JsonPropertyName("rows")] public IReadOnlyList<ResultRow> Rows { get; init; } = [];

    /// <summary>One entry per set and replicate (the real subset's is the ceiling).</summary>
    [JsonPropertyName("metrics")] public IReadOnlyList<SetMetricsRow> Metrics { get; init; } = [];

    /// <summary>
    /// Per-stage cost. Kept out of results.json (it goes to timings.json) so that the same plan run twice gives the same
    /// results.json byte for byte.
    /// </summary>
    [JsonIgnore] public IReadOnlyList<StageTiming> Timings { get; init; } = [];

    /// <summary>The setup.</summary>
    [JsonPropertyName("setup")] public ExperimentSetup Setup { get; init; } = new();

    /// <summary>Summaries over replicates, derived from the rows when the report is written (null before).</summary>
    [JsonPropertyName("summary")] public ResultsSummary? Summary { get; init; }
}
