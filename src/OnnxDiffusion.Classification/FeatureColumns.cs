using Microsoft.ML.Data;
using OnnxDiffusion.Imaging;

namespace OnnxDiffusion.Classification;

/// <summary>Column names and the row type shared by the feature paths, the trainers and prediction.</summary>
internal static class FeatureColumns
{
    public const string Features = "Features";
    public const string Label = "Label";
    public const string PredictedLabel = "PredictedLabel";
}

/// <summary>
/// One image as features. <see cref="Label"/> is the 0-based class index: LoadFromEnumerable turns it into ML.NET's
/// 1-based key (0 = missing) itself, while cursors over a data view hand out the 1-based raw key.
/// </summary>
internal sealed class FeatureRow
{
    public float[] Features { get; set; } = [];

    public uint Label { get; set; }

    /// <summary>
    /// The schema of <see cref="FeatureRow"/> for a given vector length and class count. The label is declared a
    /// key over exactly the classes, so key k+1 is class k whatever order the rows come in; a value-to-key mapping
    /// would number classes by first appearance instead.
    /// </summary>
    public static SchemaDefinition Schema(int featureCount, int classCount)
    {
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        schema[nameof(Label)].ColumnType = new KeyDataViewType(typeof(uint), classCount);
        return schema;
    }
}

/// <summary>The affine map from a byte to a feature, in the form ML.NET's ExtractPixels applies it.</summary>
internal readonly record struct PixelScaling(float Offset, float Scale)
{
    // Worked out in float64 and rounded once: [0, 1] and [-1, 1] give exactly the (0, 1/255) and (127.5, 1/127.5) that
    // earlier releases wrote as literals, so their features and trained classifiers stay bit for bit the same.
    public static PixelScaling For(PixelRange range) => new(
        (float)(-(double)range.Low * 255.0 / ((double)range.High - range.Low)),
        (float)(((double)range.High - range.Low) / 255.0));

    /// <summary>Same arithmetic and order as ExtractPixels ((p − offset) · scale in float), so both paths agree bit for bit.</summary>
    public float Apply(byte p) => (p - Offset) * Scale;
}
