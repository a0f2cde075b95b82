using System.Text.Json.Serialization;

namespace OnnxDiffusion.Synthesis;

/// <summary>One line of <c>manifest.jsonl</c>: where a synthetic image came from and how it was made.</summary>
public sealed record ManifestRecord
{
    /// <summary>Global sample id (keys the noise; names the file).</summary>
    [JsonPropertyName("id")] public long Id { get; init; }

    /// <summary>File path relative to the dataset root.</summary>
    [JsonPropertyName("file")] public string File { get; init; } = "";

    /// <summary>
    /// Whether <see cref="File"/> is a relative path that stays inside the dataset folder. The readers hash, decode or copy
    /// the file it names (merge into --out), so a hand-edited <c>"../outside.png"</c> or <c>null</c> is refused
    /// (<see cref="SyntheticSetStatus"/>, <see cref="SyntheticSet.Load"/>) or redone (the writer's resume) before that.
    /// </summary>
    [JsonIgnore] public bool FileIsInside =>
        !string.IsNullOrEmpty(File) && !Path.IsPathRooted(File) &&
        Path.GetFullPath(Path.Combine(InsideProbe, File)).StartsWith(InsideProbe + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    // The file as a message quotes it: a JSON null reads as null, not as an empty name.
    internal string FileText => File is null ? "null" : $"'{File}'";

    private static readonly string InsideProbe = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "onnxdiffusion-set"));

    /// <summary>Class name.</summary>
    [JsonPropertyName("class")] public string Class { get; init; } = "";

    /// <summary>Class index.</summary>
    [JsonPropertyName("label")] public int Label { get; init; }

    /// <summary>Index of the real source image in its split (null for generation).</summary>
    [JsonPropertyName("source_index")] public int? SourceIndex { get; init; }

    /// <summary>img2img strength (1 = generation).</summary>
    [JsonPropertyName("strength")] public double Strength { get; init; }

    /// <summary>First timestep run (null when no step ran, i.e. strength 0).</summary>
    [JsonPropertyName("start_timestep")] public int? StartTimestep { get; init; }

    /// <summary>Run seed.</summary>
    [JsonPropertyName("seed")] public ulong Seed { get; init; }

    /// <summary>Sampler name.</summary>
    [JsonPropertyName("sampler")] public string Sampler { get; init; } = "";

    /// <summary>Inference steps N (of which ⌊N·s⌋ ran).</summary>
    [JsonPropertyName("steps")] public int Steps { get; init; }

    /// <summary>Guidance scale.</summary>
    [JsonPropertyName("guidance")] public double Guidance { get; init; }

    /// <summary>DDIM η.</summary>
    [JsonPropertyName("eta")] public double Eta { get; init; }

    /// <summary>sha256 of the U-Net's .onnx file.</summary>
    [JsonPropertyName("model_sha256")] public string ModelSha256 { get; init; } = "";

    /// <summary>sha256 of the PNG file, so a resumed or merged set can be verified.</summary>
    [JsonPropertyName("png_sha256")] public string PngSha256 { get; init; } = "";

    // Relaxed escaping keeps names such as "dpm++2m" readable (and greppable) in the file; the text stays valid JSON.
    private static readonly System.Text.Json.JsonSerializerOptions LineOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The record as one manifest line (without the newline).</summary>
    public string ToJsonLine() => System.Text.Json.JsonSerializer.Serialize(this, LineOptions);
}
