using System.Text.Json.Nodes;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Sampling;

/// <summary>UniPC's B(h), the scalar its predictor and corrector weights are normalised by (h the step in λ).</summary>
public enum UniPcSolverType
{
    /// <summary>B(h) = −h.</summary>
    Bh1,

    /// <summary>B(h) = e^{−h} − 1 (diffusers' default).</summary>
    Bh2,
}

/// <summary>
/// The keys of diffusers' UniPCMultistepScheduler config that the unipc sampler reads, with diffusers' defaults when a
/// key is absent. Values that would change the result in a way this sampler does not implement (third order, the
/// noise-prediction form, another predictor, σ spacings other than Karras, dynamic shifting, …) are refused with one
/// line naming the key rather than ignored. Like diffusers, a DPM-Solver or DEIS solver_type (midpoint, heun, logrho)
/// is read as bh2, so a DPMSolverMultistepScheduler config runs under unipc as diffusers' from_config would run it.
/// </summary>
public sealed record UniPcOptions
{
    /// <summary>1 or 2.</summary>
    public int SolverOrder { get; init; } = 2;

    /// <summary>B(h) of predictor and corrector.</summary>
    public UniPcSolverType SolverType { get; init; } = UniPcSolverType.Bh2;

    /// <summary>The order never exceeds the steps left in the list (on every run length, unlike DPM-Solver's).</summary>
    public bool LowerOrderFinal { get; init; } = true;

    /// <summary>Step indices (of the whole list) after which the next step's corrector is skipped.</summary>
    public IReadOnlySet<int> DisableCorrector { get; init; } = new HashSet<int>();

    /// <summary>The σ after the last step.</summary>
    public DpmFinalSigma FinalSigma { get; init; } = DpmFinalSigma.Zero;

    /// <summary>Karras σ (true) or σ at the spaced integer timesteps.</summary>
    public bool KarrasSigmas { get; init; }

    /// <summary>Timestep spacing; diffusers' UniPC default is linspace, as DPM-Solver's.</summary>
    public TimestepSpacing Spacing { get; init; } = TimestepSpacing.Linspace;

    private static readonly (string Name, UniPcSolverType Value)[] SolverTypes =
    [
        ("bh1", UniPcSolverType.Bh1), ("bh2", UniPcSolverType.Bh2),
        ("midpoint", UniPcSolverType.Bh2), ("heun", UniPcSolverType.Bh2), ("logrho", UniPcSolverType.Bh2),
    ];

    private static readonly (string Name, DpmFinalSigma Value)[] FinalSigmaTypes =
        [("zero", DpmFinalSigma.Zero), ("sigma_min", DpmFinalSigma.SigmaMin)];

    // Read only to be refused when set: each would change the σ list or the update.
    private static readonly string[] RefusedWhenTrue = ["use_exponential_sigmas", "use_beta_sigmas", "use_flow_sigmas", "use_dynamic_shifting"];
    private static readonly string[] RefusedUnlessNull = ["solver_p", "shift_terminal"];

    private static readonly string[] Keys =
    [
        "solver_order", "solver_type", "lower_order_final", "disable_corrector", "final_sigmas_type", "predict_x0",
        "use_karras_sigmas", "sigma_min", "sigma_max", "timestep_spacing", .. RefusedWhenTrue, .. RefusedUnlessNull,
    ];

    /// <summary>The keys <see cref="From"/> reads (from a config of any class, as diffusers' from_config does).</summary>
    public static IReadOnlyCollection<string> KeysRead(string className) => Keys;

    /// <summary>Reads the options from the config's source JSON.</summary>
    /// <exception cref="ConfigException">A key holds a value this sampler does not implement.</exception>
    public static UniPcOptions From(SchedulerConfig config)
    {
        var keys = config.Keys();
        var obj = JsonNode.Parse(config.SourceJson) as JsonObject ?? new JsonObject();
        var o = new UniPcOptions();
        if (keys.Has("solver_order"))
        {
            int order = keys.Int("solver_order");
            if (order is not (1 or 2))
                throw keys.Wrong("solver_order", order == 3 ? "1 or 2 (third order is not implemented)" : "1 or 2");
            o = o with { SolverOrder = order };
        }
        if (keys.Has("solver_type"))
            o = o with { SolverType = keys.Enum("solver_type", SolverTypes) };
        if (keys.Has("lower_order_final"))
            o = o with { LowerOrderFinal = keys.Bool("lower_order_final") };
        if (keys.Has("final_sigmas_type"))
            o = o with { FinalSigma = keys.Enum("final_sigmas_type", FinalSigmaTypes) };
        if (keys.Has("predict_x0") && !keys.Bool("predict_x0"))
            throw keys.Wrong("predict_x0", "true (the noise-prediction form of UniPC is not implemented)");
        if (keys.Has("disable_corrector"))
            o = o with { DisableCorrector = StepIndices(keys.DoubleArrayOrNull("disable_corrector"), keys) };
        foreach (var key in RefusedWhenTrue)
            if (keys.Has(key) && keys.Bool(key))
                throw keys.Wrong(key, "false (only timestep and Karras σ spacings are implemented)");
        foreach (var key in RefusedUnlessNull)
            if (obj[key] is not null)
                throw keys.Wrong(key, key == "solver_p" ? "null (another predictor is not implemented)" : "null (flow σ are not implemented)");
        if (keys.Has("use_karras_sigmas"))
            o = o with { KarrasSigmas = keys.Bool("use_karras_sigmas") };
        // Set, they replace the ends of the Karras ramp; without Karras σ diffusers does not read them either.
        if (o.KarrasSigmas)
            foreach (var key in new[] { "sigma_min", "sigma_max" })
                if (obj[key] is not null)
                    throw keys.Wrong(key, "null (Karras σ from the schedule's own ends; set ends are not implemented)");
        if (keys.Has("timestep_spacing"))
            o = o with { Spacing = config.TimestepSpacing };
        // diffusers' second-order step onto σ = 0 divides by an infinite λ gap and returns infinities.
        if (!o.LowerOrderFinal && o.SolverOrder == 2 && o.FinalSigma == DpmFinalSigma.Zero)
            throw keys.Wrong("lower_order_final", "true when final_sigmas_type is \"zero\" and solver_order is 2 (a second-order last step onto σ = 0 diverges)");
        return o;
    }

    /// <summary>The schedule options DPM-Solver's σ-list code takes, for UniPC's identical set_timesteps.</summary>
    internal DpmSolverOptions Schedule => new()
    {
        FinalSigma = FinalSigma, Sigmas = KarrasSigmas ? DpmSigmaSpacing.Karras : DpmSigmaSpacing.Timesteps, Spacing = Spacing,
    };

    private static HashSet<int> StepIndices(IReadOnlyList<double>? values, ConfigKeys keys)
    {
        var set = new HashSet<int>();
        foreach (var v in values ?? [])
        {
            if (v != Math.Floor(v) || v < 0 || v > int.MaxValue)
                throw keys.Wrong("disable_corrector", "a list of step indices (integers ≥ 0)");
            set.Add((int)v);
        }
        return set;
    }
}
