using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace OnnxDiffusion.Synthesis;

/// <summary>Where reconstruction sources come from (null for generation).</summary>
public sealed record SourceSpec
{
    /// <summary>Dataset folder name (not the path: shards on other machines must agree).</summary>
    [JsonPropertyName("dataset")] public string Dataset { get; init; } = "";

    /// <summary>train or test.</summary>
    [JsonPropertyName("split")] public string Split { get; init; } = "train";

    /// <summary>Images in the split.</summary>
    [JsonPropertyName("split_size")] public int SplitSize { get; init; }

    /// <summary>How the sources were resized to the model's size (e.g. "resized 28×28 → 32×32 (SkiaSharp bilinear)"), or null when they were not.</summary>
    [JsonPropertyName("resize")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Resize { get; init; }
}

/// <summary>
/// <c>dataset.json</c>: the complete recipe of a synthetic dataset. Re-opening an output folder requires the
/// same recipe (then the run resumes); the batch size is deliberately absent because results do not depend on it.
/// </summary>
public sealed record SyntheticRunConfig
{
    /// <summary>Format tag.</summary>
    [JsonPropertyName("format")] public string Format { get; init; } = "onnxdiffusion-synthetic/1";

    /// <summary>generate or reconstruct.</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "generate";

    /// <summary>Model folder name.</summary>
    [JsonPropertyName("model")] public string Model { get; init; } = "";

    /// <summary>sha256 of the U-Net .onnx.</summary>
    [JsonPropertyName("model_sha256")] public string ModelSha256 { get; init; } = "";

    /// <summary>Reconstruction sources, or null.</summary>
    [JsonPropertyName("source")] public SourceSpec? Source { get; init; }

    /// <summary>Images per class.</summary>
    [JsonPropertyName("per_class")] public int PerClass { get; init; }

    /// <summary>Total images of the whole run (all shards).</summary>
    [JsonPropertyName("total")] public int Total { get; init; }

    /// <summary>img2img strength (1 = generation).</summary>
    [JsonPropertyName("strength")] public double Strength { get; init; } = 1.0;

    /// <summary>First timestep run, or null at strength 0.</summary>
    [JsonPropertyName("start_timestep")] public int? StartTimestep { get; init; }

    /// <summary>Inference steps N.</summary>
    [JsonPropertyName("steps")] public int Steps { get; init; }

    /// <summary>Sampler name.</summary>
    [JsonPropertyName("sampler")] public string Sampler { get; init; } = "ddim";

    /// <summary>DDIM η.</summary>
    [JsonPropertyName("eta")] public double Eta { get; init; }

    /// <summary>Guidance scale.</summary>
    [JsonPropertyName("guidance")] public double Guidance { get; init; }

    /// <summary>Run seed (noise and subset).</summary>
    [JsonPropertyName("seed")] public ulong Seed { get; init; }

    /// <summary>Image size.</summary>
    [JsonPropertyName("image_size")] public int ImageSize { get; init; }

    /// <summary>Channels.</summary>
    [JsonPropertyName("channels")] public int Channels { get; init; }

    /// <summary>The model's pixel range [low, high] when it is not [-1, 1] (absent from the file then, as before the key existed).</summary>
    [JsonPropertyName("pixel_range")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? PixelRange { get; init; }

    /// <summary>The pixel range images are written from.</summary>
    [JsonIgnore]
    public Imaging.PixelRange Pixels => PixelRange is [var low, var high] ? new Imaging.PixelRange(low, high) : Imaging.PixelRange.MinusOneToOne;

    /// <summary>A text-to-image model's prompt template ({class} → each class name); absent for other models.</summary>
    [JsonPropertyName("prompt")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Prompt { get; init; }

    /// <summary>A latent model's VAE scaling factor; absent for pixel models.</summary>
    [JsonPropertyName("latent_scaling_factor")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? LatentScalingFactor { get; init; }

    /// <summary>Class names in label order.</summary>
    [JsonPropertyName("class_names")] public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>"i/n" for a shard's output, null for a whole run.</summary>
    [JsonPropertyName("shard")] public string? Shard { get; init; }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Canonical JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a dataset.json.</summary>
    /// <exception cref="ConfigException">Unreadable or invalid.</exception>
    public static SyntheticRunConfig Load(string path)
    {
        SyntheticRunConfig config;
        try
        {
            config = JsonSerializer.Deserialize<SyntheticRunConfig>(File.ReadAllText(path)) ?? throw new ConfigException($"{path}: empty");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ConfigException($"{path}: cannot read dataset config ({ex.Message})", ex);
        }
        // The class names are the image folders and the labels' meaning: a null or a name given twice would merge two classes.
        if (config.ClassNames is null || config.ClassNames.Any(string.IsNullOrWhiteSpace))
            throw new ConfigException($"{path}: key 'class_names': expected an array of non-empty names");
        if (config.ClassNames.Distinct(StringComparer.Ordinal).Count() != config.ClassNames.Count)
            throw new ConfigException($"{path}: key 'class_names' lists '{config.ClassNames.GroupBy(n => n, StringComparer.Ordinal).First(g => g.Count() > 1).Key}' twice");
        if (config.Total < 0 || config.PerClass < 0)
            throw new ConfigException($"{path}: keys 'total' = {config.Total} and 'per_class' = {config.PerClass}: expected counts ≥ 0");
        return config;
    }

    /// <summary>The first key whose value differs from <paramref name="other"/>, with both values; null when equal.</summary>
    public (string Key, string Mine, string Theirs)? FirstDifference(SyntheticRunConfig other)
    {
        var a = JsonNode.Parse(ToJson())!.AsObject();
        var b = JsonNode.Parse(other.ToJson())!.AsObject();
        // Optional keys (omitted when at their default) may be on one side only.
        foreach (var key in a.Select(p => p.Key).Concat(b.Select(p => p.Key).Where(k => !a.ContainsKey(k))))
        {
            string x = a[key]?.ToJsonString() ?? "null", y = b[key]?.ToJsonString() ?? "null";
            if (x != y)
                return (key, x, y);
        }
        return null;
    }
}
