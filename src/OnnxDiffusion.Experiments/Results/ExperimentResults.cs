using System.Text.Json.Serialization;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Experiments.Results;

/// <summary>Names of the three kinds of training set in the protocol.</summary>
public static class TrainSets
{
    /// <summary>The real subset alone.</summary>
    public const string Real = "real";

    /// <summary>The synthetic set of one strength alone (same size and class balance as the real subset).</summary>
    public const string Synthetic = "synthetic";

    /// <summary>The real subset and the synthetic set of one strength together.</summary>
    public const string RealPlusSynthetic = "real+synthetic";
}

/// <summary>One trained classifier's score on the real test set.</summary>
public sealed record ResultRow
{
    /// <summary>real | synthetic | real+synthetic.</summary>
    [JsonPropertyName("train_set")] public string TrainSet { get; init; } = TrainSets.Real;

    /// <summary>Reconstruction strength of the synthetic part; null for real.</summary>
    [JsonPropertyName("strength")] public double? Strength { get; init; }

    /// <summary>Classifier kind (maxent, lightgbm, …).</summary>
    [JsonPropertyName("classifier")] public string Classifier { get; init; } = "";

    /// <summary>Training seed.</summary>
    [JsonPropertyName("seed")] public int Seed { get; init; }

    /// <summary>Accuracy on the real test set.</summary>
    [JsonPropertyName("accuracy")] public double Accuracy { get; init; }

    /// <summary>Macro-F1 on the real test set.</summary>
    [JsonPropertyName("macro_f1")] public double MacroF1 { get; init; }

    /// <summary>Training images.</summary>
    [JsonPropertyName("train_count")] public int TrainCount { get; init; }
}

/// <summary>Distribution metrics of the synthetic set of one strength.</summary>
public sealed record StrengthMetrics
{
    /// <summary>Reconstruction strength.</summary>
    [JsonPropertyName("strength")] public double Strength { get; init; }

    /// <summary>First timestep of the reconstruction (null at strength 0).</summary>
    [JsonPropertyName("start_timestep")] public int? StartTimestep { get; init; }

    /// <summary>The metrics against the real test set.</summary>
    [JsonPropertyName("metrics")] public SyntheticSetMetrics Metrics { get; init; } = new();
}

/// <summary>The run's setup, as the report states it.</summary>
public sealed record ExperimentSetup
{
    /// <summary>Model folder name and sha256.</summary>
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

    /// <summary>Classifier seeds.</summary>
    [JsonPropertyName("seeds")] public IReadOnlyList<int> Seeds { get; init; } = [];

    /// <summary>Execution provider and kernel accelerator.</summary>
    [JsonPropertyName("device")] public string Device { get; init; } = "";

    /// <summary>Machine description (cores, OS).</summary>
    [JsonPropertyName("machine")] public string Machine { get; init; } = "";
}

/// <summary>Everything <c>reproduce</c> measured: the content of results.json.</summary>
public sealed record ExperimentResults
{
    /// <summary>quick | default | full | custom.</summary>
    [JsonPropertyName("profile")] public string Profile { get; init; } = "default";

    /// <summary>The strength sweep.</summary>
    [JsonPropertyName("strengths")] public IReadOnlyList<double> Strengths { get; init; } = [];

    /// <summary>One row per trained classifier.</summary>
    [JsonPropertyName("rows")] public IReadOnlyList<ResultRow> Rows { get; init; } = [];

    /// <summary>One entry per strength.</summary>
    [JsonPropertyName("metrics")] public IReadOnlyList<StrengthMetrics> Metrics { get; init; } = [];

    /// <summary>Wall seconds per stage.</summary>
    [JsonPropertyName("timings")] public IReadOnlyDictionary<string, double> Timings { get; init; } = new Dictionary<string, double>();

    /// <summary>The setup.</summary>
    [JsonPropertyName("setup")] public ExperimentSetup Setup { get; init; } = new();
}
