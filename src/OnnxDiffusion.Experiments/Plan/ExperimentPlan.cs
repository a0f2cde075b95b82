using System.Text.Json;
using System.Text.Json.Serialization;

namespace OnnxDiffusion.Experiments.Plan;

/// <summary>
/// The experiment's recipe (what <c>reproduce</c> runs). Profiles give sizes for a smoke test, a laptop run
/// and a full GPU-sized run; a JSON file can override any field.
/// </summary>
public sealed record ExperimentPlan
{
    /// <summary>Profile name (quick, default, full, or custom for a file).</summary>
    [JsonPropertyName("profile")] public string Profile { get; init; } = "default";

    /// <summary>Real training images per class (the synthetic sets have the same size and balance).</summary>
    [JsonPropertyName("per_class")] public int PerClass { get; init; } = 50;

    /// <summary>The reconstruction strengths to sweep.</summary>
    [JsonPropertyName("strengths")] public IReadOnlyList<double> Strengths { get; init; } = [0, 0.2, 0.4, 0.6, 0.8, 1.0];

    /// <summary>Inference steps N (a strength s runs the last ⌊N·s⌋).</summary>
    [JsonPropertyName("steps")] public int Steps { get; init; } = 20;

    /// <summary>ddim or ddpm.</summary>
    [JsonPropertyName("sampler")] public string Sampler { get; init; } = "ddim";

    /// <summary>DDIM η.</summary>
    [JsonPropertyName("eta")] public double Eta { get; init; }

    /// <summary>Guidance scale; null = the model card's.</summary>
    [JsonPropertyName("guidance")] public double? Guidance { get; init; }

    /// <summary>Classifier kinds.</summary>
    [JsonPropertyName("classifiers")] public IReadOnlyList<string> Classifiers { get; init; } = ["maxent", "lightgbm"];

    /// <summary>Classifier seeds per kind and training set.</summary>
    [JsonPropertyName("seeds")] public int Seeds { get; init; } = 3;

    /// <summary>Seed of the real subset and of all diffusion noise.</summary>
    [JsonPropertyName("seed")] public ulong Seed { get; init; }

    /// <summary>Real test images used for scoring and metrics (null = all).</summary>
    [JsonPropertyName("test_limit")] public int? TestLimit { get; init; }

    /// <summary>Whether to compute distribution metrics.</summary>
    [JsonPropertyName("metrics")] public bool Metrics { get; init; } = true;

    /// <summary>k of the k-NN metrics.</summary>
    [JsonPropertyName("k")] public int K { get; init; } = 5;

    /// <summary>Images per network batch.</summary>
    [JsonPropertyName("batch")] public int Batch { get; init; } = 64;

    /// <summary>The built-in profiles.</summary>
    public static ExperimentPlan ForProfile(string name) => name switch
    {
        "quick" => new ExperimentPlan
        {
            Profile = "quick", PerClass = 10, Strengths = [0, 0.5, 1.0], Steps = 10, Classifiers = ["maxent"], Seeds = 3, TestLimit = 2000,
        },
        "default" => new ExperimentPlan(),
        "full" => new ExperimentPlan { Profile = "full", PerClass = 6000, Steps = 50, Batch = 256 },
        _ => throw new ConfigException($"--profile '{name}': expected quick, default or full"),
    };

    /// <summary>Reads a plan file: a profile (key "profile") with any fields overridden.</summary>
    public static ExperimentPlan Load(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            string profile = doc.RootElement.TryGetProperty("profile", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "default";
            var merged = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(ForProfile(profile)))!.AsObject();
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (!merged.ContainsKey(prop.Name))
                    throw new ConfigException($"{path}: unknown key '{prop.Name}'");
                merged[prop.Name] = System.Text.Json.Nodes.JsonNode.Parse(prop.Value.GetRawText());
            }
            var plan = merged.Deserialize<ExperimentPlan>()!;
            plan.Validate(path);
            return plan;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ConfigException($"{path}: cannot read experiment plan ({ex.Message})", ex);
        }
    }

    /// <summary>Checks values; throws naming the key.</summary>
    public void Validate(string source = "plan")
    {
        if (PerClass < 1) throw new ConfigException($"{source}: per_class = {PerClass}: expected ≥ 1");
        if (Strengths.Count == 0 || Strengths.Any(s => !(s >= 0 && s <= 1)))
            throw new ConfigException($"{source}: strengths must be a non-empty list of numbers in [0, 1]");
        if (Steps < 1) throw new ConfigException($"{source}: steps = {Steps}: expected ≥ 1");
        if (Seeds < 1) throw new ConfigException($"{source}: seeds = {Seeds}: expected ≥ 1");
        if (Classifiers.Count == 0) throw new ConfigException($"{source}: classifiers must name at least one kind");
        if (TestLimit is < 1) throw new ConfigException($"{source}: test_limit = {TestLimit}: expected ≥ 1 or null");
        if (Batch < 1) throw new ConfigException($"{source}: batch = {Batch}: expected ≥ 1");
    }
}
