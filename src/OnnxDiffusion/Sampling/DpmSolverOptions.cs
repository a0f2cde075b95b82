using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Sampling;

/// <summary>Which second-order formula DPM-Solver++(2M) uses.</summary>
public enum DpmSolverType
{
    /// <summary>diffusers' default: the correction D1 weighted by ½ of the first-order weight.</summary>
    Midpoint,

    /// <summary>The correction weighted by α'((e^{−h} − 1)/h + 1).</summary>
    Heun,
}

/// <summary>The σ after the last step.</summary>
public enum DpmFinalSigma
{
    /// <summary>0: the last step returns x̂0 (diffusers' default).</summary>
    Zero,

    /// <summary>σ(t = 0) = √((1−ᾱ_0)/ᾱ_0).</summary>
    SigmaMin,
}

/// <summary>Where the σ of each step comes from.</summary>
public enum DpmSigmaSpacing
{
    /// <summary>σ(t) = √((1−ᾱ_t)/ᾱ_t) at the spaced integer timesteps.</summary>
    Timesteps,

    /// <summary>Karras et al. (2022): σ spaced evenly in σ^{1/7}; timesteps from log-σ interpolation.</summary>
    Karras,

    /// <summary>Lu et al. (2022): log σ spaced evenly; timesteps from log-σ interpolation.</summary>
    Lu,
}

/// <summary>
/// The keys of diffusers' DPMSolverMultistepScheduler config that this sampler reads, with diffusers' defaults when a
/// key is absent. Keys that would change the result in a way this sampler does not implement are refused (one line
/// naming the key) rather than ignored.
/// </summary>
public sealed record DpmSolverOptions
{
    /// <summary>1 (DDIM-like first order) or 2.</summary>
    public int SolverOrder { get; init; } = 2;

    /// <summary>The second-order formula.</summary>
    public DpmSolverType SolverType { get; init; } = DpmSolverType.Midpoint;

    /// <summary>First order on the last step when the whole list has fewer than 15 steps.</summary>
    public bool LowerOrderFinal { get; init; } = true;

    /// <summary>First order on the last step always.</summary>
    public bool EulerAtFinal { get; init; }

    /// <summary>The σ after the last step.</summary>
    public DpmFinalSigma FinalSigma { get; init; } = DpmFinalSigma.Zero;

    /// <summary>Where each step's σ comes from.</summary>
    public DpmSigmaSpacing Sigmas { get; init; } = DpmSigmaSpacing.Timesteps;

    /// <summary>
    /// How the integer timesteps are spaced. diffusers' DPM default is linspace, so a config without the key gets
    /// linspace even though the DDPM/DDIM default (what <see cref="SchedulerConfig.TimestepSpacing"/> holds then) is leading.
    /// </summary>
    public TimestepSpacing Spacing { get; init; } = TimestepSpacing.Linspace;

    private static readonly (string Name, DpmSolverType Value)[] SolverTypes =
        [("midpoint", DpmSolverType.Midpoint), ("heun", DpmSolverType.Heun)];

    private static readonly (string Name, DpmFinalSigma Value)[] FinalSigmaTypes =
        [("zero", DpmFinalSigma.Zero), ("sigma_min", DpmFinalSigma.SigmaMin)];

    /// <summary>Reads the options from the config's source JSON.</summary>
    /// <exception cref="ConfigException">A key holds a value this sampler does not implement.</exception>
    public static DpmSolverOptions From(SchedulerConfig config)
    {
        var keys = config.Keys();
        var o = new DpmSolverOptions();

        // A UniPC, DEIS or SA-Solver config's solver keys configure that solver, not this one: only its schedule is read.
        if (OtherSolvers.Contains(config.ClassName))
            keys = new ConfigKeys(WithoutSolverKeys(config.SourceJson), config.Source);

        if (keys.Has("algorithm_type") && keys.String("algorithm_type") != "dpmsolver++")
            throw keys.Wrong("algorithm_type", "\"dpmsolver++\" (dpmsolver, sde-dpmsolver and sde-dpmsolver++ are not implemented)");
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
        if (keys.Has("euler_at_final"))
            o = o with { EulerAtFinal = keys.Bool("euler_at_final") };
        if (keys.Has("final_sigmas_type"))
            o = o with { FinalSigma = keys.Enum("final_sigmas_type", FinalSigmaTypes) };

        bool karras = Flag(keys, "use_karras_sigmas");
        bool lu = Flag(keys, "use_lu_lambdas");
        if (karras && lu)
            throw keys.Wrong("use_lu_lambdas", "false when use_karras_sigmas is true (one σ spacing at a time)");
        foreach (var key in new[] { "use_exponential_sigmas", "use_beta_sigmas", "use_flow_sigmas" })
            if (Flag(keys, key))
                throw keys.Wrong(key, "false (only timestep, Karras and Lu σ spacings are implemented)");
        o = o with { Sigmas = karras ? DpmSigmaSpacing.Karras : lu ? DpmSigmaSpacing.Lu : DpmSigmaSpacing.Timesteps };

        // JSON has no −∞, the default; .NET spells it "-Infinity" as a string.
        if (keys.Has("lambda_min_clipped") && !NamedNegativeInfinity(keys))
            throw keys.Wrong("lambda_min_clipped", "absent or \"-Infinity\" (clipping λ is not implemented)");
        // variance_type learned / learned_range never gets here: SchedulerConfig accepts only fixed_small and fixed_large.
        if (Flag(keys, "rescale_betas_zero_snr"))
            throw keys.Wrong("rescale_betas_zero_snr", "false (zero-terminal-SNR rescaling is not implemented)");

        if (keys.Has("timestep_spacing"))
            o = o with { Spacing = config.TimestepSpacing };
        return o;
    }

    private static bool Flag(ConfigKeys keys, string key) => keys.Has(key) && keys.Bool(key);

    private static readonly string[] OtherSolvers = ["UniPCMultistepScheduler", "DEISMultistepScheduler", "SASolverScheduler"];

    private static readonly string[] SolverKeys = ["algorithm_type", "solver_order", "solver_type", "lower_order_final", "euler_at_final", "final_sigmas_type"];

    // Read from any config; the σ spacings and the λ clip are read to be refused when set.
    private static readonly string[] ScheduleKeys =
    [
        "use_karras_sigmas", "use_lu_lambdas", "use_exponential_sigmas", "use_beta_sigmas", "use_flow_sigmas",
        "lambda_min_clipped", "rescale_betas_zero_snr", "timestep_spacing",
    ];

    /// <summary>The keys <see cref="From"/> reads from a config of class <paramref name="className"/>.</summary>
    public static IReadOnlyCollection<string> KeysRead(string className) =>
        OtherSolvers.Contains(className) ? ScheduleKeys : [.. SolverKeys, .. ScheduleKeys];

    private static System.Text.Json.Nodes.JsonObject WithoutSolverKeys(string json)
    {
        var obj = (System.Text.Json.Nodes.JsonNode.Parse(json) as System.Text.Json.Nodes.JsonObject) ?? new System.Text.Json.Nodes.JsonObject();
        foreach (var key in SolverKeys)
            obj.Remove(key);
        return obj;
    }

    private static bool NamedNegativeInfinity(ConfigKeys keys)
    {
        try
        {
            return keys.String("lambda_min_clipped") is "-Infinity" or "-inf";
        }
        catch (ConfigException)
        {
            return false;
        }
    }
}
