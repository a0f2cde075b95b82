using System.Text.Json;
using System.Text.Json.Nodes;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Models;

/// <summary>
/// <c>onnxdiffusion.json</c>, the optional file beside a model that is not ours: only what the ONNX graph and the
/// diffusers configs cannot tell — class names, the null class, default guidance and steps, the pixel range — and, when
/// the graph's input names are ambiguous, which input plays which role. Every key is optional; unknown keys are errors,
/// because a misspelt key would otherwise be silently ignored.
/// </summary>
public sealed record ModelOverrides
{
    /// <summary>The file name.</summary>
    public const string FileName = "onnxdiffusion.json";

    /// <summary>Class names in label order.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Real class count, when the names are not given.</summary>
    public int? NumClasses { get; init; }

    /// <summary>The "no class" label for classifier-free guidance.</summary>
    public int? NullClass { get; init; }

    /// <summary>Recommended guidance scale.</summary>
    public double? DefaultGuidanceScale { get; init; }

    /// <summary>Recommended inference steps.</summary>
    public int? DefaultSteps { get; init; }

    /// <summary>Pixel range [low, high].</summary>
    public IReadOnlyList<double>? PixelRange { get; init; }

    /// <summary>Input names by role (sample, timestep, class_labels), for graphs whose names do not say.</summary>
    public IReadOnlyDictionary<string, string> Inputs { get; init; } = new Dictionary<string, string>();

    /// <summary>The output to use, for graphs with several.</summary>
    public string? Output { get; init; }

    /// <summary>Where the overrides came from.</summary>
    public string Source { get; init; } = FileName;

    /// <summary>The roles an <c>inputs</c> entry may name.</summary>
    public static readonly IReadOnlyList<string> Roles = ["sample", "timestep", "class_labels"];

    private static readonly string[] Keys =
        ["class_names", "num_classes", "null_class", "default_guidance_scale", "default_steps", "pixel_range", "inputs", "output"];

    /// <summary>Reads <paramref name="path"/>, or returns empty overrides when it does not exist.</summary>
    /// <exception cref="ConfigException">Not JSON, an unknown key, or a value of the wrong type (named).</exception>
    public static ModelOverrides LoadOrEmpty(string path)
    {
        if (!File.Exists(path))
            return new ModelOverrides { Source = path };
        var obj = ReadObject(path, "model overrides");
        var keys = new ConfigKeys(obj, path);
        foreach (var (key, _) in obj)
            if (!Keys.Contains(key))
                throw new ConfigException($"{path}: unknown key '{key}': expected {string.Join(", ", Keys)}");
        var o = new ModelOverrides { Source = path };
        if (obj["class_names"] is JsonArray names)
        {
            var list = new List<string>();
            for (int i = 0; i < names.Count; i++)
                list.Add(names[i] is JsonValue v && v.TryGetValue(out string? s) && s.Length > 0
                    ? s
                    : throw new ConfigException($"{path}: key 'class_names' value [{i}]: expected a non-empty string"));
            if (list.Distinct(StringComparer.Ordinal).Count() != list.Count)
                throw new ConfigException($"{path}: key 'class_names' lists a name twice");
            o = o with { ClassNames = list };
        }
        else if (keys.Has("class_names") && obj["class_names"] is not null)
        {
            throw keys.Wrong("class_names", "an array of class names");
        }
        if (Present(obj, "num_classes")) o = o with { NumClasses = keys.Int("num_classes") };
        if (Present(obj, "null_class")) o = o with { NullClass = keys.Int("null_class") };
        if (Present(obj, "default_guidance_scale")) o = o with { DefaultGuidanceScale = keys.Double("default_guidance_scale") };
        if (Present(obj, "default_steps")) o = o with { DefaultSteps = keys.Int("default_steps") };
        if (Present(obj, "pixel_range"))
        {
            var r = keys.DoubleArrayOrNull("pixel_range")!;
            if (r.Count != 2 || !(r[0] < r[1]) || !double.IsFinite(r[0]) || !double.IsFinite(r[1]))
                throw keys.Wrong("pixel_range", "[low, high] with finite low < high");
            o = o with { PixelRange = r };
        }
        if (Present(obj, "output")) o = o with { Output = keys.String("output") };
        if (Present(obj, "inputs"))
        {
            if (obj["inputs"] is not JsonObject inputs)
                throw keys.Wrong("inputs", "an object of role → input name");
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (role, value) in inputs)
            {
                if (!Roles.Contains(role))
                    throw new ConfigException($"{path}: key 'inputs' names role '{role}': expected {string.Join(", ", Roles)}");
                map[role] = value is JsonValue v && v.TryGetValue(out string? name) && name.Length > 0
                    ? name
                    : throw new ConfigException($"{path}: key 'inputs.{role}': expected an input name");
            }
            o = o with { Inputs = map };
        }
        if (o.NumClasses is < 1) throw keys.Wrong("num_classes", "an integer ≥ 1");
        if (o.NullClass is < 0) throw keys.Wrong("null_class", "an integer ≥ 0");
        if (o.DefaultSteps is < 1) throw keys.Wrong("default_steps", "an integer ≥ 1");
        if (o.DefaultGuidanceScale is { } g && !GuidanceScale.IsValid(g)) throw keys.Wrong("default_guidance_scale", GuidanceScale.Expected);
        if (o.ClassNames is { } cn && o.NumClasses is int nc && cn.Count != nc)
            throw new ConfigException($"{path}: key 'num_classes' = {nc} but 'class_names' lists {cn.Count} names");
        return o;
    }

    private static bool Present(JsonObject obj, string key) => obj.ContainsKey(key) && obj[key] is not null;

    /// <summary>A JSON file's top-level object; any failure is one line naming the file and <paramref name="what"/> it is.</summary>
    /// <exception cref="ConfigException">Unreadable, not JSON (a key given twice included), or not an object.</exception>
    internal static JsonObject ReadObject(string path, string what)
    {
        try
        {
            var obj = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new ConfigException($"{path}: expected a JSON object");
            _ = obj.Count; // JsonObject fills itself lazily; a duplicate key must fail here
            return obj;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read {what} ({ex.Message.ReplaceLineEndings(" ")})", ex);
        }
    }
}

/// <summary>The keys of a diffusers <c>unet/config.json</c> that describe the graph's geometry and classes.</summary>
/// <param name="SampleSize">Image height and width (sample_size; a [h, w] pair must be square).</param>
/// <param name="InChannels">in_channels.</param>
/// <param name="OutChannels">out_channels.</param>
/// <param name="NumClassEmbeds">num_class_embeds: rows of the class embedding (null: none).</param>
/// <param name="Source">The file.</param>
public sealed record UNetConfig(int? SampleSize, int? InChannels, int? OutChannels, int? NumClassEmbeds, string Source)
{
    /// <summary>cross_attention_dim: the hidden size of the text states a text-conditioned U-Net attends to.</summary>
    public int? CrossAttentionDim { get; init; }

    /// <summary>Reads the file; other keys (the architecture) are diffusers' business and are not checked.</summary>
    /// <exception cref="ConfigException">Not JSON, or one of the four keys holds a value of the wrong type.</exception>
    public static UNetConfig Load(string path)
    {
        var obj = ModelOverrides.ReadObject(path, "the U-Net config");
        var keys = new ConfigKeys(obj, path);
        int? Int(string key) => obj[key] is null ? null : keys.Int(key) is var v && v >= 1 ? v : throw keys.Wrong(key, "an integer ≥ 1");
        int? size = null;
        if (obj["sample_size"] is JsonArray hw)
        {
            var pair = keys.DoubleArrayOrNull("sample_size")!;
            if (pair.Count != 2 || pair[0] != pair[1] || pair[0] < 1 || pair[0] != Math.Floor(pair[0]))
                throw keys.Wrong("sample_size", "an integer or a square [size, size] pair (non-square models are not supported)");
            _ = hw;
            size = (int)pair[0];
        }
        else
        {
            size = Int("sample_size");
        }
        return new UNetConfig(size, Int("in_channels"), Int("out_channels"), Int("num_class_embeds"), path)
        {
            // SD 2.x lists one value per block; all are the same hidden size.
            CrossAttentionDim = obj["cross_attention_dim"] is JsonArray
                ? keys.DoubleArrayOrNull("cross_attention_dim") is { Count: > 0 } d && d.All(v => v == d[0] && v >= 1 && v == Math.Floor(v)) ? (int)d[0]
                    : throw keys.Wrong("cross_attention_dim", "an integer ≥ 1 (or a list of the same one)")
                : Int("cross_attention_dim"),
        };
    }
}
