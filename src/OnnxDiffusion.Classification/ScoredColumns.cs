using Microsoft.ML;
using Microsoft.ML.Data;

namespace OnnxDiffusion.Classification;

/// <summary>
/// The data-view plumbing of a classifier that scores whole sets at once (the cnn kind): reading the pixel features
/// out of a view, and a view that appends ML.NET's multiclass scorer columns to its input.
/// </summary>
internal static class ScoredColumns
{
    /// <summary>ML.NET's name of the class-probability column.</summary>
    public const string Score = "Score";

    /// <summary>
    /// The rows' <see cref="FeatureColumns.Features"/> (scaled pixels) in batches of at most <paramref name="batch"/> rows,
    /// row after row in one buffer, with each row's raw 1-based label key when asked. The buffers are reused between
    /// batches, so reading costs one batch of memory whatever the number of rows.
    /// </summary>
    public static IEnumerable<(float[] Images, uint[] Keys, int Count)> Batches(IDataView data, ImageShape shape, int batch, bool withLabels)
    {
        int plane = shape.Channels * shape.Height * shape.Width;
        var featureColumn = data.Schema[FeatureColumns.Features];
        if (featureColumn.Type is not VectorDataViewType { ItemType: NumberDataViewType, Size: var size } || size != plane)
            throw new ClassificationException($"column {FeatureColumns.Features} must be a vector of {plane} floats (C×H×W = {shape.Channels}×{shape.Height}×{shape.Width}), found {featureColumn.Type}");
        var columns = withLabels ? new[] { featureColumn, data.Schema[FeatureColumns.Label] } : [featureColumn];
        using var cursor = data.GetRowCursor(columns);
        var features = cursor.GetGetter<VBuffer<float>>(featureColumn);
        var label = withLabels ? cursor.GetGetter<uint>(columns[1]) : null;
        var images = new float[batch * plane];
        var keys = new uint[batch];
        VBuffer<float> row = default;
        int count = 0;
        while (cursor.MoveNext())
        {
            features(ref row);
            row.CopyTo(images.AsSpan(count * plane, plane));
            label?.Invoke(ref keys[count]);
            if (++count == batch)
            {
                yield return (images, keys, count);
                count = 0;
            }
        }
        if (count > 0)
            yield return (images, keys, count);
    }

    /// <summary><paramref name="input"/> followed by Score (a vector of <paramref name="classes"/> probabilities) and PredictedLabel (a key over the classes).</summary>
    public static DataViewSchema Append(DataViewSchema input, int classes)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        var score = new DataViewSchema.Annotations.Builder();
        // The annotations ML.NET's own multiclass trainers put on their score column, so tools that look for a scorer's
        // output by kind find this one.
        score.Add("ScoreColumnKind", TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = "MulticlassClassification".AsMemory());
        score.Add("ScoreValueKind", TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = "Score".AsMemory());
        builder.AddColumn(Score, new VectorDataViewType(NumberDataViewType.Single, classes), score.ToAnnotations());
        builder.AddColumn(FeatureColumns.PredictedLabel, new KeyDataViewType(typeof(uint), classes));
        return builder.ToSchema();
    }

    /// <summary>A view of <paramref name="input"/> with the scorer columns, from precomputed probabilities [rows·classes] in row order.</summary>
    public static IDataView View(IDataView input, float[] probabilities, int classes) =>
        new ScoredView(input, Append(input.Schema, classes), probabilities, classes);

    private sealed class ScoredView(IDataView input, DataViewSchema schema, float[] probabilities, int classes) : IDataView
    {
        // Rows are matched to their scores by position, so the input is read in its own order only.
        public bool CanShuffle => false;

        public DataViewSchema Schema => schema;

        public long? GetRowCount() => input.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        {
            var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
            var inner = input.GetRowCursor(input.Schema.Where(c => needed.Contains(c.Index)));
            return new Cursor(schema, inner, needed, probabilities, classes);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
            [GetRowCursor(columnsNeeded, rand)];

        private sealed class Cursor(DataViewSchema schema, DataViewRowCursor inner, HashSet<int> active, float[] probabilities, int classes) : DataViewRowCursor
        {
            private int InputCount => inner.Schema.Count;

            public override DataViewSchema Schema => schema;

            public override long Position => inner.Position;

            public override long Batch => inner.Batch;

            public override ValueGetter<DataViewRowId> GetIdGetter() => inner.GetIdGetter();

            public override bool IsColumnActive(DataViewSchema.Column column) =>
                column.Index < InputCount ? inner.IsColumnActive(inner.Schema[column.Index]) : active.Contains(column.Index);

            public override bool MoveNext() => inner.MoveNext();

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                if (column.Index < InputCount)
                    return inner.GetGetter<TValue>(inner.Schema[column.Index]);
                if (column.Name == Score && column.Index == InputCount)
                {
                    ValueGetter<VBuffer<float>> score = (ref VBuffer<float> value) =>
                    {
                        var editor = VBufferEditor.Create(ref value, classes);
                        probabilities.AsSpan(checked((int)Position * classes), classes).CopyTo(editor.Values);
                        value = editor.Commit();
                    };
                    return score as ValueGetter<TValue> ?? throw new InvalidOperationException($"column {Score} is read as VBuffer<float>, not {typeof(TValue).Name}");
                }
                ValueGetter<uint> predicted = (ref uint value) =>
                {
                    var p = probabilities.AsSpan(checked((int)Position * classes), classes);
                    int best = 0;
                    for (int k = 1; k < p.Length; k++)
                        if (p[k] > p[best])
                            best = k;
                    value = (uint)best + 1;
                };
                return predicted as ValueGetter<TValue> ?? throw new InvalidOperationException($"column {FeatureColumns.PredictedLabel} is read as uint, not {typeof(TValue).Name}");
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                    inner.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}
