using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OnnxDiffusion.Schedules;

/// <summary>How β_t is laid out over the training timesteps.</summary>
public enum BetaSchedule
{
    /// <summary>β = linspace(β_start, β_end, T).</summary>
    Linear,

    /// <summary>β = linspace(√β_start, √β_end, T)².</summary>
    ScaledLinear,

    /// <summary>Nichol &amp; Dhariwal's cosine schedule, β capped at 0.999.</summary>
    SquaredCosCapV2,
}

/// <summary>What the network predicts.</summary>
public enum PredictionType
{
    /// <summary>The added noise ε.</summary>
    Epsilon,

    /// <summary>The velocity v = √ᾱ ε − √(1−ᾱ) x0.</summary>
    VPrediction,

    /// <summary>The clean sample x0.</summary>
    Sample,
}

/// <summary>How inference timesteps are picked from the training timesteps.</summary>
public enum TimestepSpacing
{
    /// <summary>0, r, 2r, … (r = T div N), reversed, plus steps_offset.</summary>
    Leading,

    /// <summary>round(arange(T, 0, −T/N)) − 1.</summary>
    Trailing,

    /// <summary>round(linspace(0, T−1, N)), reversed.</summary>
    Linspace,
}

/// <summary>DDPM posterior variance choice.</summary>
public enum VarianceType
{
    /// <summary>β̃_t = (1−ᾱ_{t'})/(1−ᾱ_t) · β_t.</summary>
    FixedSmall,

    /// <summary>β_t.</summary>
    FixedLarge,
}

/// <summary>
/// The scheduler settings, read from and written to diffusers' <c>scheduler_config.json</c> keys. Defaults are
/// diffusers' own (DDPM/DDIM schedulers). Configs of the other variance-preserving schedulers diffusers writes (PNDM,
/// Euler, LMS, DPM-Solver, UniPC, …; see <see cref="SchedulerClasses"/>) are read for their schedule keys, as
/// diffusers' <c>DDIMScheduler.from_config(other.config)</c> does: keys present are used, absent keys keep these
/// defaults. Keys such a class holds that the schedule does not use are listed in <see cref="IgnoredScheduleKeys"/>;
/// keys no known scheduler holds are ignored and reported in <see cref="Warnings"/>; invalid values, and classes
/// without a β schedule, raise a <see cref="ConfigException"/> that names the key and the value.
/// </summary>
public sealed record SchedulerConfig
{
    private static readonly string[] BetaKeys = ["beta_start", "beta_end", "beta_schedule", "trained_betas"];
    private static readonly HashSet<string> SigmaKeys = new(StringComparer.Ordinal) { "sigma_min", "sigma_max", "sigma_data", "snr" };

    /// <summary>diffusers' <c>_class_name</c> (informational).</summary>
    public string ClassName { get; init; } = "DDPMScheduler";

    /// <summary>T, the number of training timesteps.</summary>
    public int NumTrainTimesteps { get; init; } = 1000;

    /// <summary>β at t = 0 (linear and scaled_linear).</summary>
    public double BetaStart { get; init; } = 0.0001;

    /// <summary>β at t = T − 1 (linear and scaled_linear).</summary>
    public double BetaEnd { get; init; } = 0.02;

    /// <summary>The β schedule (ignored when <see cref="TrainedBetas"/> is set).</summary>
    public BetaSchedule BetaSchedule { get; init; } = BetaSchedule.Linear;

    /// <summary>Explicit β values, one per training timestep, or null.</summary>
    public IReadOnlyList<double>? TrainedBetas { get; init; }

    /// <summary>DDPM variance type.</summary>
    public VarianceType VarianceType { get; init; } = VarianceType.FixedSmall;

    /// <summary>Whether x̂0 is clipped to ±<see cref="ClipSampleRange"/>.</summary>
    public bool ClipSample { get; init; } = true;

    /// <summary>Clip range for x̂0.</summary>
    public double ClipSampleRange { get; init; } = 1.0;

    /// <summary>DDIM: whether ᾱ before t = 0 is 1 (else ᾱ_0).</summary>
    public bool SetAlphaToOne { get; init; } = true;

    /// <summary>Added to leading-spaced timesteps.</summary>
    public int StepsOffset { get; init; }

    /// <summary>What the model predicts.</summary>
    public PredictionType PredictionType { get; init; } = PredictionType.Epsilon;

    /// <summary>How inference timesteps are spaced.</summary>
    public TimestepSpacing TimestepSpacing { get; init; } = TimestepSpacing.Leading;

    /// <summary>Dynamic thresholding; only false is supported.</summary>
    public bool Thresholding { get; init; }

    /// <summary>The JSON object this config was read from (empty for a config built in code), for samplers with keys of their own.</summary>
    public string SourceJson { get; init; } = "{}";

    /// <summary>Where the config came from, for error messages.</summary>
    public string Source { get; init; } = "scheduler_config.json";

    /// <summary>Typed access to every key of the source JSON, with errors that name the file and key.</summary>
    public ConfigKeys Keys() => new((JsonNode.Parse(SourceJson) as JsonObject) ?? new JsonObject(), Source);

    /// <summary>Keys that were present but not understood (ignored), and other problems worth telling the user.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

    /// <summary>
    /// Keys of the source config, in file order, that a scheduler diffusers knows legitimately holds but that the
    /// schedule does not use: the class's own (PNDMScheduler's <c>skip_prk_steps</c>, DPM-Solver's <c>solver_order</c>)
    /// and keys of another known class, which converted configs carry (SDXL's EulerDiscreteScheduler config holds
    /// PNDM's <c>skip_prk_steps</c>). Not warnings; for reports ("PNDMScheduler's skip_prk_steps not used by ddim").
    /// A sampler with keys of its own (dpm++2m, unipc) may still read some of them through <see cref="Keys"/>: what it reads is
    /// part of its registration (<c>SamplerRegistration.UnreadKeys</c> subtracts it).
    /// </summary>
    public IReadOnlyList<string> IgnoredScheduleKeys { get; init; } = Array.Empty<string>();

    /// <summary>
    /// One line describing the schedule that was read, e.g. <c>PNDMScheduler config (schedule keys: scaled_linear betas
    /// 0.00085…0.012, T=1000, leading spacing (default), steps_offset 1, epsilon (default), no clipping)</c>. For a config
    /// read from a file, "(default)" marks a value whose key the file does not hold: the DDPM/DDIM default shown is what
    /// ddim and ddpm use (dpm++2m and unipc space timesteps linspace when <c>timestep_spacing</c> is absent).
    /// </summary>
    public string Describe()
    {
        var src = SourceObject();
        bool fromFile = src.Count > 0;
        string Mark(params string[] keys) => fromFile && !keys.Any(src.ContainsKey) ? " (default)" : "";

        string what = !fromFile || (src.ContainsKey("_class_name") && SchedulerClasses.IsKnown(ClassName)) ? $"{ClassName} config"
            : src.ContainsKey("_class_name") ? $"{ClassName} config, read as DDPM/DDIM keys"
            : "config without _class_name, read as DDPM/DDIM keys";
        string betas = TrainedBetas is { } tb ? $"trained betas ({tb.Count} values)"
            : BetaSchedule == BetaSchedule.SquaredCosCapV2 ? "squaredcos_cap_v2 betas"
            : $"{NameOf(BetaSchedule)} betas {Fmt(BetaStart)}…{Fmt(BetaEnd)}";
        string clip = ClipSample ? $"clip ±{Fmt(ClipSampleRange)}" : "no clipping";
        return $"{what} (schedule keys: {betas}{Mark(BetaKeys)}, T={NumTrainTimesteps}{Mark("num_train_timesteps", "timesteps")}, " +
               $"{NameOf(TimestepSpacing)} spacing{Mark("timestep_spacing")}, steps_offset {StepsOffset}{Mark("steps_offset")}, " +
               $"{NameOf(PredictionType)}{Mark("prediction_type", "predict_epsilon")}, {clip}{Mark("clip_sample", "clip_predicted_image")})";
    }

    private JsonObject SourceObject()
    {
        try
        {
            var o = JsonNode.Parse(SourceJson) as JsonObject ?? new JsonObject();
            _ = o.Count; // a key given twice fails here
            return o;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return new JsonObject();
        }
    }

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

    /// <summary>Checks every value; throws naming the first bad key.</summary>
    /// <exception cref="ConfigException">A value is out of range.</exception>
    public void Validate(string source = "scheduler_config.json")
    {
        if (NumTrainTimesteps < 1)
            throw Bad(source, "num_train_timesteps", NumTrainTimesteps, "an integer ≥ 1");
        if (TrainedBetas is { } tb)
        {
            if (tb.Count != NumTrainTimesteps)
                throw new ConfigException($"{source}: key 'trained_betas' has {tb.Count} values: expected num_train_timesteps = {NumTrainTimesteps}");
            for (int i = 0; i < tb.Count; i++)
                if (!(tb[i] > 0 && tb[i] < 1))
                    throw new ConfigException($"{source}: key 'trained_betas' value [{i}] = {Fmt(tb[i])}: expected 0 < β < 1");
        }
        else
        {
            if (!(BetaStart > 0 && BetaStart < 1))
                throw Bad(source, "beta_start", BetaStart, "0 < beta_start < 1");
            if (!(BetaEnd > 0 && BetaEnd < 1))
                throw Bad(source, "beta_end", BetaEnd, "0 < beta_end < 1");
            if (BetaEnd < BetaStart)
                throw Bad(source, "beta_end", BetaEnd, $"beta_end ≥ beta_start ({Fmt(BetaStart)})");
        }
        if (!(ClipSampleRange > 0) || double.IsInfinity(ClipSampleRange))
            throw Bad(source, "clip_sample_range", ClipSampleRange, "a finite number > 0");
        if (StepsOffset < 0 || StepsOffset >= NumTrainTimesteps)
            throw Bad(source, "steps_offset", StepsOffset, $"0 ≤ steps_offset < num_train_timesteps ({NumTrainTimesteps})");
        if (Thresholding)
            throw new ConfigException($"{source}: key 'thresholding' = true: dynamic thresholding is not supported, expected false");
    }

    /// <summary>Serialises to diffusers' key names.</summary>
    public string ToJson()
    {
        var o = new JsonObject
        {
            ["_class_name"] = ClassName,
            ["num_train_timesteps"] = NumTrainTimesteps,
            ["beta_start"] = BetaStart,
            ["beta_end"] = BetaEnd,
            ["beta_schedule"] = Name(BetaSchedules, BetaSchedule),
            ["trained_betas"] = TrainedBetas is null ? null : new JsonArray(TrainedBetas.Select(b => (JsonNode?)b).ToArray()),
            ["variance_type"] = Name(VarianceTypes, VarianceType),
            ["clip_sample"] = ClipSample,
            ["clip_sample_range"] = ClipSampleRange,
            ["set_alpha_to_one"] = SetAlphaToOne,
            ["steps_offset"] = StepsOffset,
            ["prediction_type"] = Name(PredictionTypes, PredictionType),
            ["timestep_spacing"] = Name(Spacings, TimestepSpacing),
            ["thresholding"] = Thresholding,
        };
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Writes the config atomically (temp file, then rename).</summary>
    public void Save(string path)
    {
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, ToJson() + "\n");
        File.Move(tmp, path, overwrite: true);
    }

    internal static readonly (string Name, BetaSchedule Value)[] BetaSchedules =
        [("linear", BetaSchedule.Linear), ("scaled_linear", BetaSchedule.ScaledLinear), ("squaredcos_cap_v2", BetaSchedule.SquaredCosCapV2)];

    internal static readonly (string Name, PredictionType Value)[] PredictionTypes =
        [("epsilon", PredictionType.Epsilon), ("v_prediction", PredictionType.VPrediction), ("sample", PredictionType.Sample)];

    internal static readonly (string Name, TimestepSpacing Value)[] Spacings =
        [("leading", TimestepSpacing.Leading), ("trailing", TimestepSpacing.Trailing), ("linspace", TimestepSpacing.Linspace)];

    internal static readonly (string Name, VarianceType Value)[] VarianceTypes =
        [("fixed_small", VarianceType.FixedSmall), ("fixed_large", VarianceType.FixedLarge)];

    /// <summary>The diffusers spelling of a beta schedule.</summary>
    public static string NameOf(BetaSchedule v) => Name(BetaSchedules, v);

    /// <summary>The diffusers spelling of a prediction type.</summary>
    public static string NameOf(PredictionType v) => Name(PredictionTypes, v);

    /// <summary>The diffusers spelling of a timestep spacing.</summary>
    public static string NameOf(TimestepSpacing v) => Name(Spacings, v);

    /// <summary>The diffusers spelling of a variance type.</summary>
    public static string NameOf(VarianceType v) => Name(VarianceTypes, v);

    private static string Name<T>((string Name, T Value)[] table, T value) where T : struct, Enum =>
        table.First(e => EqualityComparer<T>.Default.Equals(e.Value, value)).Name;

    private static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Json(bool b) => b ? "true" : "false";

    private static ConfigException Bad(string source, string key, double value, string expected) =>
        new($"{source}: key '{key}' = {Fmt(value)}: expected {expected}");
}
