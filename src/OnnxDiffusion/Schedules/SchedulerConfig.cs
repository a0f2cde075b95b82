using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OnnxDiffusion.Schedules;

/// <summary>
/// The scheduler settings, read from and written to diffusers' <c>scheduler_config.json</c> keys. Defaults are
/// diffusers' own (DDPM/DDIM schedulers). Configs of the other variance-preserving schedulers diffusers writes (PNDM,
/// Euler, LMS, DPM-Solver, UniPC, …; see <see cref="SchedulerClasses"/>) are read for their schedule keys, as
/// diffusers' <c>DDIMScheduler.from_config(other.config)</c> does: keys present are used, absent keys keep these
/// defaults. Keys such a class holds that the schedule does not use are listed in <see cref="IgnoredScheduleKeys"/>;
/// keys no known scheduler holds are ignored and reported in <see cref="Warnings"/>; invalid values, and classes
/// without a β schedule, raise a <see cref="ConfigException"/> that names the key and the value.
/// </summary>
public sealed partial record SchedulerConfig
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
