using System.Text.Json;
using System.Text.Json.Serialization;
using OnnxDiffusion.Data;
using OnnxDiffusion.Experiments.Results;

namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>results.json: <see cref="ExperimentResults"/> with its own JSON names, indented.</summary>
public static class ResultsJson
{
    /// <summary>
    /// Indented; NaN and ±Infinity written as the strings "NaN"/"Infinity" because a metric that could not be
    /// computed must not make the whole file unwritable.
    /// </summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // The statistics records carry no JSON names of their own; snake case keeps them in the file's style.
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>The JSON text.</summary>
    public static string Serialize(ExperimentResults results) => JsonSerializer.Serialize(results, Options);

    /// <summary>Parses results.json text.</summary>
    /// <exception cref="JsonException">Not valid results JSON.</exception>
    public static ExperimentResults Deserialize(string json) =>
        JsonSerializer.Deserialize<ExperimentResults>(json, Options) ?? throw new JsonException("results.json holds null");

    /// <summary>Writes <paramref name="path"/> atomically.</summary>
    public static void Write(string path, ExperimentResults results) => AtomicFile.WriteAllText(path, Serialize(results) + "\n");

    /// <summary>Reads a results.json file.</summary>
    public static ExperimentResults Read(string path) => Deserialize(File.ReadAllText(path));
}
