using System.Text.Json.Serialization;

namespace OnnxDiffusion.Classification;

/// <summary>
/// Test-set metrics derived from a confusion matrix. Plain data: serialises to JSON with snake_case names.
/// </summary>
public sealed record ClassificationMetrics
{
    /// <summary>Class names in label order (rows and columns of <see cref="ConfusionMatrix"/>).</summary>
    [JsonPropertyName("class_names")] public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>Number of test images.</summary>
    [JsonPropertyName("test_count")] public int TestCount { get; init; }

    /// <summary>Fraction of test images predicted correctly.</summary>
    [JsonPropertyName("accuracy")] public double Accuracy { get; init; }

    /// <summary>
    /// Mean F1 over the classes that occur in the test set or in the predictions (a class absent from both has no
    /// defined F1 and is left out, as scikit-learn does).
    /// </summary>
    [JsonPropertyName("macro_f1")] public double MacroF1 { get; init; }

    /// <summary>Per-class counts and scores, in label order.</summary>
    [JsonPropertyName("per_class")] public required IReadOnlyList<ClassMetrics> PerClass { get; init; }

    /// <summary>Counts, indexed [true class][predicted class].</summary>
    [JsonPropertyName("confusion_matrix")] public required IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix { get; init; }

    /// <summary>Per-class accuracy (recall), in label order; null for a class without test images.</summary>
    [JsonIgnore] public IReadOnlyList<double?> PerClassAccuracy => PerClass.Select(c => c.Accuracy).ToArray();

    /// <summary>Metrics of a K×K confusion matrix, [true][predicted].</summary>
    /// <exception cref="ClassificationException">The matrix is not K×K for the K class names, has a negative count, or is all zero.</exception>
    public static ClassificationMetrics FromConfusionMatrix(IReadOnlyList<string> classNames, IReadOnlyList<IReadOnlyList<int>> matrix)
    {
        int k = classNames.Count;
        if (matrix.Count != k || matrix.Any(row => row.Count != k))
            throw new ClassificationException($"confusion matrix is not {k}×{k} for the {k} classes");
        if (matrix.Any(row => row.Any(v => v < 0)))
            throw new ClassificationException("confusion matrix holds a negative count");
        long total = matrix.Sum(row => row.Sum(v => (long)v));
        if (total == 0)
            throw new ClassificationException("confusion matrix is empty (no test images)");

        var copy = matrix.Select(row => (IReadOnlyList<int>)row.ToArray()).ToArray();
        long correct = 0;
        var perClass = new ClassMetrics[k];
        double f1Sum = 0;
        int f1Count = 0;
        for (int c = 0; c < k; c++)
        {
            int tp = copy[c][c];
            int support = copy[c].Sum();
            int predicted = copy.Sum(row => row[c]);
            correct += tp;
            double? f1 = support + predicted == 0 ? null : 2.0 * tp / (support + predicted);
            if (f1 is { } f)
            {
                f1Sum += f;
                f1Count++;
            }
            perClass[c] = new ClassMetrics
            {
                Name = classNames[c],
                TestCount = support,
                PredictedCount = predicted,
                Accuracy = support == 0 ? null : (double)tp / support,
                Precision = predicted == 0 ? null : (double)tp / predicted,
                F1 = f1,
            };
        }
        return new ClassificationMetrics
        {
            ClassNames = classNames.ToArray(),
            TestCount = (int)total,
            Accuracy = (double)correct / total,
            MacroF1 = f1Sum / f1Count,
            PerClass = perClass,
            ConfusionMatrix = copy,
        };
    }

    /// <summary>Metrics of predictions against true labels (class indices).</summary>
    /// <exception cref="ClassificationException">Different lengths, no items, or a label outside the classes.</exception>
    public static ClassificationMetrics FromPredictions(IReadOnlyList<string> classNames, IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        if (truth.Count != predicted.Count)
            throw new ClassificationException($"{truth.Count} true labels but {predicted.Count} predictions");
        int k = classNames.Count;
        var matrix = new int[k][];
        for (int c = 0; c < k; c++)
            matrix[c] = new int[k];
        for (int i = 0; i < truth.Count; i++)
        {
            if ((uint)truth[i] >= (uint)k || (uint)predicted[i] >= (uint)k)
                throw new ClassificationException($"item {i}: label {truth[i]} or prediction {predicted[i]} is outside the {k} classes");
            matrix[truth[i]][predicted[i]]++;
        }
        return FromConfusionMatrix(classNames, matrix);
    }
}

/// <summary>Scores of one class on the test set.</summary>
public sealed record ClassMetrics
{
    /// <summary>Class name.</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }

    /// <summary>Test images of this class (the support).</summary>
    [JsonPropertyName("test_count")] public int TestCount { get; init; }

    /// <summary>Test images predicted as this class.</summary>
    [JsonPropertyName("predicted_count")] public int PredictedCount { get; init; }

    /// <summary>Per-class accuracy: the fraction of this class's test images predicted correctly (recall); null without test images.</summary>
    [JsonPropertyName("accuracy")] public double? Accuracy { get; init; }

    /// <summary>Fraction of the predictions of this class that are right; null when it was never predicted.</summary>
    [JsonPropertyName("precision")] public double? Precision { get; init; }

    /// <summary>2·TP / (test count + predicted count); null when both are 0.</summary>
    [JsonPropertyName("f1")] public double? F1 { get; init; }
}
