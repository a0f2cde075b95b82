using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OnnxDiffusion.Schedules;

// Reading a scheduler_config.json: which keys are read, refused, warned about or listed as ignored.
public sealed partial record SchedulerConfig
{
    /// <summary>Reads a scheduler_config.json file.</summary>
    /// <exception cref="ConfigException">The file is missing, not JSON, or holds an invalid value.</exception>
    public static SchedulerConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read scheduler config ({ex.Message})", ex);
        }
        return Parse(text, path);
    }

    /// <summary>
    /// Parses scheduler config JSON; <paramref name="source"/> names it in error messages. Python's bare
    /// <c>Infinity</c>, <c>-Infinity</c> and <c>NaN</c> are read as the strings "Infinity", "-Infinity" and "NaN".
    /// </summary>
    /// <exception cref="ConfigException">
    /// Not a JSON object, a key holds an invalid value, or the config is of a scheduler without a β schedule.
    /// </exception>
    public static SchedulerConfig Parse(string json, string source = "scheduler_config.json")
    {
        JsonObject obj;
        try
        {
            obj = JsonNode.Parse(QuotePythonLiterals(json)) as JsonObject
                  ?? throw new ConfigException($"{source}: expected a JSON object at the top level");
            _ = obj.Count; // JsonObject fills itself lazily; a duplicate key must fail here, not later
        }
        catch (ArgumentException ex)
        {
            // System.Text.Json reports a key given twice as an ArgumentException.
            throw new ConfigException($"{source}: not valid JSON ({ex.Message.ReplaceLineEndings(" ")})", ex);
        }
        catch (JsonException ex)
        {
            throw new ConfigException($"{source}: not valid JSON ({ex.Message})", ex);
        }

        var reader = new ConfigKeys(obj, source);
        var warnings = new List<string>();
        var ignored = new List<string>();
        string? className = obj.ContainsKey("_class_name") ? reader.String("_class_name") : null;
        if (className is not null && SchedulerClasses.RefusalReason(className) is { } why)
            throw reader.Wrong("_class_name", $"a variance-preserving (beta) scheduler; {className} is {why}, which OnnxDiffusion's samplers cannot run");
        bool known = className is not null && SchedulerClasses.IsKnown(className);
        if (!known)
            RefuseSigmaOnly(obj, reader);
        if (className is not null && !known)
            warnings.Add($"{source}: _class_name '{className}' is not a scheduler OnnxDiffusion knows; its schedule keys were read as DDPM/DDIM keys");
        DropUsedDefaults(obj, reader);

        var cfg = new SchedulerConfig();
        bool? predictEpsilon = null, clipPredictedImage = null;
        foreach (var (key, _) in obj)
        {
            switch (key)
            {
                case "_class_name": cfg = cfg with { ClassName = className! }; break;
                case "num_train_timesteps":
                case "timesteps": cfg = cfg with { NumTrainTimesteps = reader.Int(key) }; break;
                case "beta_start": cfg = cfg with { BetaStart = reader.Double(key) }; break;
                case "beta_end": cfg = cfg with { BetaEnd = reader.Double(key) }; break;
                case "beta_schedule": cfg = cfg with { BetaSchedule = reader.Enum(key, BetaSchedules) }; break;
                case "trained_betas": cfg = cfg with { TrainedBetas = reader.DoubleArrayOrNull(key) }; break;
                // diffusers writes null for "the scheduler's default" (DPM-Solver configs do)
                case "variance_type": cfg = obj[key] is null ? cfg : cfg with { VarianceType = reader.Enum(key, VarianceTypes) }; break;
                case "clip_sample": cfg = cfg with { ClipSample = reader.Bool(key) }; break;
                case "clip_sample_range": cfg = cfg with { ClipSampleRange = reader.Double(key) }; break;
                case "set_alpha_to_one": cfg = cfg with { SetAlphaToOne = reader.Bool(key) }; break;
                case "steps_offset": cfg = cfg with { StepsOffset = reader.Int(key) }; break;
                case "prediction_type": cfg = cfg with { PredictionType = reader.Enum(key, PredictionTypes) }; break;
                case "timestep_spacing": cfg = cfg with { TimestepSpacing = reader.Enum(key, Spacings) }; break;
                case "thresholding": cfg = cfg with { Thresholding = reader.Bool(key) }; break;
                // Zero-terminal-SNR rescaling changes every ᾱ: running without it would run another schedule than the file's.
                case "rescale_betas_zero_snr" when reader.Bool(key):
                    throw new ConfigException($"{source}: key 'rescale_betas_zero_snr' = true: zero-terminal-SNR rescaling is not supported, expected false");
                // legacy spellings (diffusers 0.0.x–0.9): applied after the loop, when the current key is absent
                case "predict_epsilon": predictEpsilon = reader.Bool(key); break;
                case "clip_predicted_image": clipPredictedImage = reader.Bool(key); break;
                default:
                    if (SchedulerClasses.MetadataKeys.Contains(key))
                        break;
                    if (SchedulerClasses.IsUnusedKeyOfSomeClass(key))
                        ignored.Add(key);
                    else
                        warnings.Add($"{source}: unknown key '{key}' ignored");
                    break;
            }
        }
        if (predictEpsilon is { } epsilon)
        {
            var legacy = epsilon ? PredictionType.Epsilon : PredictionType.Sample;
            if (!obj.ContainsKey("prediction_type"))
                cfg = cfg with { PredictionType = legacy };
            else if (legacy != cfg.PredictionType)
                warnings.Add($"{source}: legacy key 'predict_epsilon' = {Json(epsilon)} disagrees with prediction_type '{NameOf(cfg.PredictionType)}'; prediction_type used");
        }
        if (clipPredictedImage is { } clip)
        {
            if (!obj.ContainsKey("clip_sample"))
                cfg = cfg with { ClipSample = clip };
            else if (clip != cfg.ClipSample)
                warnings.Add($"{source}: legacy key 'clip_predicted_image' = {Json(clip)} disagrees with clip_sample = {Json(cfg.ClipSample)}; clip_sample used");
        }
        cfg = cfg with
        {
            Warnings = warnings, IgnoredScheduleKeys = ignored.Count == 0 ? Array.Empty<string>() : ignored.ToArray(),
            SourceJson = obj.ToJsonString(), Source = source,
        };
        cfg.Validate(source);
        return cfg;
    }

    /// <summary>
    /// Python's json module writes ±∞ and NaN as the bare words <c>Infinity</c>, <c>-Infinity</c> and <c>NaN</c>, which
    /// JSON does not have: DPM-Solver configs saved by diffusers hold <c>"lambda_min_clipped": -Infinity</c>. Outside
    /// strings such a word is made a string ("-Infinity"), which is how .NET spells these values; text that holds none
    /// is returned unchanged.
    /// </summary>
    internal static string QuotePythonLiterals(string json)
    {
        System.Text.StringBuilder? sb = null;
        int copied = 0;
        bool inString = false;
        for (int i = 0; i < json.Length; i++)
        {
            char c = json[i];
            if (inString)
            {
                if (c == '\\')
                    i++;
                else if (c == '"')
                    inString = false;
                continue;
            }
            if (c == '"')
            {
                inString = true;
                continue;
            }
            string? word = c switch
            {
                'N' => "NaN",
                'I' => "Infinity",
                '-' => "-Infinity",
                _ => null,
            };
            if (word is null || string.CompareOrdinal(json, i, word, 0, word.Length) != 0)
                continue;
            int end = i + word.Length;
            if (end < json.Length && (char.IsAsciiLetterOrDigit(json[end]) || json[end] == '_'))
                continue;
            sb ??= new System.Text.StringBuilder(json.Length + 16);
            sb.Append(json, copied, i - copied).Append('"').Append(word).Append('"');
            copied = end;
            i = end - 1;
        }
        return sb is null ? json : sb.Append(json, copied, json.Length - copied).ToString();
    }

    /// <summary>A config of no known class with σ keys and no β keys is a variance-exploding one: refused, naming the σ key.</summary>
    private static void RefuseSigmaOnly(JsonObject obj, ConfigKeys reader)
    {
        if (BetaKeys.Any(obj.ContainsKey))
            return;
        foreach (var (key, value) in obj)
            if (value is not null && SigmaKeys.Contains(key))
                throw reader.Wrong(key, "a variance-preserving (beta) scheduler: this config has σ keys and no β keys (" + string.Join(", ", BetaKeys) + ")");
    }

    /// <summary>
    /// diffusers lists in <c>_use_default_values</c> the keys whose values were the saving class's defaults, and drops
    /// them on loading so that the loading class's defaults apply; so do we (the list itself is kept).
    /// </summary>
    private static void DropUsedDefaults(JsonObject obj, ConfigKeys reader)
    {
        const string key = "_use_default_values";
        if (!obj.ContainsKey(key))
            return;
        if (obj[key] is not JsonArray list)
            throw reader.Wrong(key, "an array of key names");
        var names = new List<string>();
        foreach (var item in list)
        {
            if (item is not JsonValue v || !v.TryGetValue(out string? name))
                throw reader.Wrong(key, "an array of key names");
            names.Add(name);
        }
        foreach (var name in names)
            if (!SchedulerClasses.MetadataKeys.Contains(name))
                obj.Remove(name);
    }
}
