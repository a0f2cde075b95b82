using System.Text;
using OnnxDiffusion.Data;
using OnnxDiffusion.Experiments.Results;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>results.csv: one line per <see cref="ResultRow"/> (per replicate), invariant culture, strength empty for real.</summary>
public static class ResultsCsv
{
    /// <summary>The header line.</summary>
    public const string Header = "replicate,train_set,strength,classifier,seed,accuracy,macro_f1,train_count";

    /// <summary>The CSV text, header first, lines ending in \n.</summary>
    public static string Format(IEnumerable<ResultRow> rows)
    {
        var inv = ReportFormat.Inv;
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var r in rows)
        {
            sb.Append(r.Replicate.ToString(inv)).Append(',')
              .Append(Field(r.TrainSet)).Append(',')
              .Append(r.Strength?.ToString("R", inv)).Append(',')
              .Append(Field(r.Classifier)).Append(',')
              .Append(r.Seed.ToString(inv)).Append(',')
              .Append(r.Accuracy.ToString("R", inv)).Append(',')
              .Append(r.MacroF1.ToString("R", inv)).Append(',')
              .Append(r.TrainCount.ToString(inv)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Writes <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IEnumerable<ResultRow> rows) => AtomicFile.WriteAllText(path, Format(rows));

    // RFC 4180 quoting, for classifier names a user might pick with commas or quotes in them.
    private static string Field(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}
