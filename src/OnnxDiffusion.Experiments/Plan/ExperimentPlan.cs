using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OnnxDiffusion.Classification;

namespace OnnxDiffusion.Experiments.Plan;

/// <summary>
/// The experiment's recipe (what <c>reproduce</c> runs). Profiles give sizes for a smoke test, a laptop run
/// and a full GPU-sized run; a JSON file can override any field.
/// </summary>
public sealed record ExperimentPlan
{
    /// <summary>Profile name (quick, default, paper, full, or custom for a file).</summary>
    [JsonPropertyName("profile")] public string Profile { get; init; } = "default";

    /// <summary>Real training images per class (the synthetic sets have the same size and balance).</summary>
    [JsonPropertyName("per_class")] public int PerClass { get; init; } = 50;

    /// <summary>
    /// The reconstruction strengths to sweep. Strength 1 is generation from pure noise, which the generated set already
    /// is, so the default sweep stops at 0.8 and the generated set stands at s = 1.
    /// </summary>
    [JsonPropertyName("strengths")] public IReadOnlyList<double> Strengths { get; init; } = [0, 0.2, 0.4, 0.6, 0.8];

    /// <summary>Whether every replicate also gets a generated set (pure noise, class-conditional, same size and balance).</summary>
    [JsonPropertyName("generated")] public bool Generated { get; init; } = true;

    /// <summary>Inference steps N (a strength s runs the last ⌊N·s⌋).</summary>
    /// <remarks>
    /// The default, DPM-Solver++(2M) at 10 steps, reads FD 70.33 against DDIM-20's 69.56 (1.1 % higher, label fidelity
    /// 0.903 vs 0.904) at 2.1× the images per second (benchmarks/README.md, "Quality at speed"): it makes room for the cnn
    /// kind within the default run's 10 minutes.
    /// </remarks>
    [JsonPropertyName("steps")] public int Steps { get; init; } = 10;

    /// <summary>Sampler name, one of <see cref="OnnxDiffusion.Sampling.Samplers.Names"/> (ddim, ddpm, dpm++2m, unipc).</summary>
    [JsonPropertyName("sampler")] public string Sampler { get; init; } = "dpm++2m";

    /// <summary>DDIM η.</summary>
    [JsonPropertyName("eta")] public double Eta { get; init; }

    /// <summary>Guidance scale; null = the model card's.</summary>
    [JsonPropertyName("guidance")] public double? Guidance { get; init; }

    /// <summary>Classifier kinds.</summary>
    [JsonPropertyName("classifiers")] public IReadOnlyList<string> Classifiers { get; init; } = ["maxent", "lightgbm", "cnn"];

    /// <summary>Settings of the cnn classifier kind (epochs, widths, …; see <see cref="CnnOptions"/>); an unknown key inside is refused.</summary>
    [JsonPropertyName("cnn")] public CnnOptions Cnn { get; init; } = new();

    /// <summary>
    /// Independent replicates R. Replicate r draws its own real subset, its own diffusion noise and trains with seed r,
    /// so the spread over replicates is the spread a reader would see on rerunning the study.
    /// </summary>
    [JsonPropertyName("replicates")] public int Replicates { get; init; } = 3;

    /// <summary>Seed from which every replicate's subset and noise seeds are derived.</summary>
    [JsonPropertyName("seed")] public ulong Seed { get; init; }

    /// <summary>Real test images used for scoring and metrics (null = all).</summary>
    [JsonPropertyName("test_limit")] public int? TestLimit { get; init; }

    /// <summary>Whether to compute distribution metrics.</summary>
    [JsonPropertyName("metrics")] public bool Metrics { get; init; } = true;

    /// <summary>
    /// Whether the metrics include the copy check, which embeds the whole training split once per feature model: seconds
    /// with the embedded features, but about 15 minutes for 50,000 RGB images through ResNet18 on 2 cores.
    /// </summary>
    [JsonPropertyName("copy_check")] public bool CopyCheck { get; init; } = true;

    /// <summary>k of the k-NN metrics.</summary>
    [JsonPropertyName("k")] public int K { get; init; } = 5;

    /// <summary>Equal-size, class-balanced draws of the real reference that precision / recall / density / coverage are averaged over.</summary>
    [JsonPropertyName("draws")] public int Draws { get; init; } = 5;

    /// <summary>Images per network batch.</summary>
    [JsonPropertyName("batch")] public int Batch { get; init; } = 64;

    /// <summary>Text-to-image models: the prompt template ({class} → each class name); null = "a photo of a {class}".</summary>
    [JsonPropertyName("prompt")] public string? Prompt { get; init; }

    // Keys a plan file may no longer use, with what replaced them: refusing them beats silently running another design.
    private static readonly Dictionary<string, string> Replaced = new(StringComparer.Ordinal)
    {
        ["seeds"] = "'replicates' (each replicate draws its own real subset and noise and trains with its own seed)",
    };

    /// <summary>The built-in profile names.</summary>
    public static readonly IReadOnlyList<string> Profiles = ["quick", "default", "paper", "full"];

    /// <summary>Most reference draws a plan may ask for: each is a k-NN pass, and beyond this the mean no longer moves.</summary>
    public const int MaxDraws = 1000;

    /// <summary>Most replicates a plan may ask for: each is a full synthesis and training run, so more is a typo, not a plan.</summary>
    public const int MaxReplicates = 1000;

    /// <summary>The built-in profiles.</summary>
    public static ExperimentPlan ForProfile(string name) => name switch
    {
        "quick" => new ExperimentPlan
        {
            Profile = "quick", PerClass = 10, Strengths = [0, 0.5], Sampler = "ddim", Steps = 10, Classifiers = ["maxent"], Replicates = 2, TestLimit = 2000,
            Draws = 3,
        },
        "default" => new ExperimentPlan(),
        // The default design with every kind: the resnet18 kind's featurization does not fit the default's 10 minutes on 2 cores.
        "paper" => new ExperimentPlan { Profile = "paper", Classifiers = ["maxent", "lightgbm", "cnn", "resnet18"] },
        "full" => new ExperimentPlan { Profile = "full", PerClass = 6000, Sampler = "ddim", Steps = 50, Batch = 256 },
        _ => throw new ConfigException($"--profile '{name}': expected {string.Join(", ", Profiles)}"),
    };

    /// <summary>Reads a plan file: a profile (key "profile") with any fields overridden. Every value is checked before anything runs.</summary>
    public static ExperimentPlan Load(string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ConfigException($"{path}: cannot read experiment plan ({ex.Message.ReplaceLineEndings(" ")})", ex);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ConfigException($"{path}: expected a JSON object of plan keys, found {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}");
            string profile = "default";
            if (doc.RootElement.TryGetProperty("profile", out var p))
                profile = p.ValueKind == JsonValueKind.String ? p.GetString()! : throw new ConfigException($"{path}: profile must be a string");
            if (!Profiles.Contains(profile))
                throw new ConfigException($"{path}: profile '{profile}': expected {string.Join(", ", Profiles)}");
            var merged = JsonNode.Parse(JsonSerializer.Serialize(ForProfile(profile)))!.AsObject();
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (Replaced.TryGetValue(prop.Name, out var replacement))
                    throw new ConfigException($"{path}: key '{prop.Name}' was replaced by {replacement}");
                if (!merged.ContainsKey(prop.Name))
                    throw new ConfigException($"{path}: unknown key '{prop.Name}'");
                merged[prop.Name] = JsonNode.Parse(prop.Value.GetRawText());
            }
            ExperimentPlan plan;
            try
            {
                plan = merged.Deserialize<ExperimentPlan>()!;
            }
            catch (JsonException ex)
            {
                // System.Text.Json names the property as a JSON path ($.k); that is the key the user wrote.
                string key = ex.Path is { Length: > 2 } jp ? jp[2..] : "?";
                throw new ConfigException($"{path}: key '{key}' has a value of the wrong type ({ex.Message.ReplaceLineEndings(" ")})", ex);
            }
            plan.Validate(path);
            return plan;
        }
    }

    /// <summary>Checks values; throws naming the key.</summary>
    public void Validate(string source = "plan")
    {
        if (PerClass < 1) throw new ConfigException($"{source}: per_class = {PerClass}: expected ≥ 1");
        if (Strengths is null || Strengths.Any(s => !(s >= 0 && s <= 1)))
            throw new ConfigException($"{source}: strengths must be a list of numbers in [0, 1]");
        if (Strengths.Count == 0 && !Generated)
            throw new ConfigException($"{source}: strengths is empty and generated is false: there is no synthetic set to study");
        if (Strengths.Distinct().Count() != Strengths.Count)
            throw new ConfigException($"{source}: strengths lists a value twice");
        if (Steps < 1) throw new ConfigException($"{source}: steps = {Steps}: expected ≥ 1");
        if (Replicates < 1 || Replicates > MaxReplicates) throw new ConfigException($"{source}: replicates = {Replicates}: expected 1 … {MaxReplicates}");
        if (Classifiers is null || Classifiers.Count == 0) throw new ConfigException($"{source}: classifiers must name at least one kind");
        if (TestLimit is < 1) throw new ConfigException($"{source}: test_limit = {TestLimit}: expected ≥ 1 or null");
        if (Batch < 1) throw new ConfigException($"{source}: batch = {Batch}: expected ≥ 1");
        // Its upper bound needs the data's class count: ExperimentRunner checks it once the data is read, before synthesis.
        if (K < 1) throw new ConfigException($"{source}: k = {K}: expected ≥ 1");
        if (Draws < 1 || Draws > MaxDraws) throw new ConfigException($"{source}: draws = {Draws}: expected 1 … {MaxDraws} (each draw is a k-NN pass over its own real subsample)");
        if (!(Eta >= 0 && Eta <= 1)) throw new ConfigException($"{source}: eta = {Eta}: expected a number in [0, 1]");
        if (Guidance is { } g && !GuidanceScale.IsValid(g)) throw new ConfigException($"{source}: guidance = {g}: expected {GuidanceScale.Expected}, or null");
        if (Sampler is null || !OnnxDiffusion.Sampling.Samplers.Names.Contains(Sampler.Trim().ToLowerInvariant()))
            throw new ConfigException($"{source}: sampler = '{Sampler}': expected one of {string.Join(", ", OnnxDiffusion.Sampling.Samplers.Names)}");
        if (Cnn is null) throw new ConfigException($"{source}: cnn must be an object of cnn classifier options");
        try
        {
            ClassifierKinds.Check(new ClassifierOptions { Kind = ClassifierKinds.Cnn, Cnn = Cnn });
        }
        catch (ClassificationException ex)
        {
            throw new ConfigException($"{source}: {ex.Message}", ex);
        }
        if (!Profiles.Contains(Profile) && Profile != "custom") throw new ConfigException($"{source}: profile = '{Profile}': expected {string.Join(", ", Profiles)}");
    }
}
