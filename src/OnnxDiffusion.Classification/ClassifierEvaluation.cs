using System.Text.Json;
using System.Text.Json.Serialization;

namespace OnnxDiffusion.Classification;

/// <summary>
/// What a trained classifier scored on a test set, with what it was trained on. Plain data: serialises to JSON
/// with snake_case names (<see cref="ToJson"/>).
/// </summary>
public sealed record ClassifierEvaluation
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>Classifier kind.</summary>
    [JsonPropertyName("classifier")] public required string Classifier { get; init; }

    /// <summary>The options it was trained with.</summary>
    [JsonPropertyName("options")] public required ClassifierOptions Options { get; init; }

    /// <summary>Names of the training sets (their union was trained on).</summary>
    [JsonPropertyName("training_sets")] public required IReadOnlyList<string> TrainingSets { get; init; }

    /// <summary>Training images in the union.</summary>
    [JsonPropertyName("training_count")] public int TrainingCount { get; init; }

    /// <summary>Training images per class, in label order.</summary>
    [JsonPropertyName("training_count_per_class")] public required IReadOnlyList<int> TrainingCountPerClass { get; init; }

    /// <summary>Wall time of training, feature reading included (varies between runs; everything else does not).</summary>
    [JsonPropertyName("training_seconds")] public double TrainingSeconds { get; init; }

    /// <summary>Name of the test set.</summary>
    [JsonPropertyName("test_set")] public required string TestSet { get; init; }

    /// <summary>Scores on the test set.</summary>
    [JsonPropertyName("metrics")] public required ClassificationMetrics Metrics { get; init; }

    /// <summary>Indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}
