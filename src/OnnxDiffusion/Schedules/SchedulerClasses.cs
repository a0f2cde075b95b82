namespace OnnxDiffusion.Schedules;

/// <summary>
/// The diffusers scheduler classes whose <c>scheduler_config.json</c> OnnxDiffusion reads, by <c>_class_name</c>.
/// Every one of them is variance-preserving with a β table over discrete training timesteps, so its schedule keys
/// (β, T, spacing, offset, prediction type, clipping) mean what they mean to the DDPM/DDIM schedulers and any of our
/// samplers can run on them. For each class the table holds the keys that class's config legitimately carries but
/// that the schedule does not use (solver settings, σ spacings, thresholding parameters, …): they are listed in
/// <see cref="SchedulerConfig.IgnoredScheduleKeys"/>, never warned about. Classes without a β schedule (σ-only,
/// flow matching, token diffusion) are refused by name.
/// </summary>
public static class SchedulerClasses
{
    // Metadata every diffusers config may hold; neither a schedule key nor a setting.
    internal static readonly HashSet<string> MetadataKeys = new(StringComparer.Ordinal)
    {
        "_class_name", "_diffusers_version", "_use_default_values",
    };

    // Groups of keys several classes share.
    private static readonly string[] Thresholding = ["dynamic_thresholding_ratio", "sample_max_value"];
    private static readonly string[] ZeroSnr = ["rescale_betas_zero_snr"];
    private static readonly string[] SigmaSpacings = ["use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas"];
    private static readonly string[] FlowSigmas = ["use_flow_sigmas", "flow_shift"];
    private static readonly string[] Shifting = ["use_dynamic_shifting", "time_shift_type"];
    private static readonly string[] MultistepSolver = ["solver_order", "solver_type", "lower_order_final"];

    // diffusers 0.1–0.3 (mid-2022): numpy/torch switch and an unused list of timesteps. The other legacy keys
    // (timesteps, predict_epsilon, clip_predicted_image) are read by SchedulerConfig as the keys they became.
    private static readonly string[] Legacy = ["tensor_format", "timestep_values"];

    private static readonly Dictionary<string, string[]> Unused = new(StringComparer.Ordinal)
    {
        ["DDPMScheduler"] = [.. Thresholding, .. ZeroSnr, .. Legacy],
        ["DDPMParallelScheduler"] = [.. Thresholding, .. ZeroSnr],
        ["DDIMScheduler"] = [.. Thresholding, .. ZeroSnr, .. Legacy],
        ["DDIMParallelScheduler"] = [.. Thresholding, .. ZeroSnr],
        ["DDIMInverseScheduler"] = [.. ZeroSnr],
        // The first DDPM class (diffusers 0.0.x): timesteps, betas, variance_type, clip_predicted_image.
        ["GaussianDDPMScheduler"] = [.. Legacy],
        ["PNDMScheduler"] = ["skip_prk_steps", .. Legacy],
        ["EulerDiscreteScheduler"] =
        [
            "interpolation_type", .. SigmaSpacings, "sigma_min", "sigma_max", "timestep_type", .. ZeroSnr, "final_sigmas_type",
        ],
        ["EulerAncestralDiscreteScheduler"] = [.. ZeroSnr],
        ["LMSDiscreteScheduler"] = [.. SigmaSpacings, .. Legacy],
        ["HeunDiscreteScheduler"] = [.. SigmaSpacings],
        ["KDPM2DiscreteScheduler"] = [.. SigmaSpacings],
        ["KDPM2AncestralDiscreteScheduler"] = [.. SigmaSpacings],
        ["DPMSolverSDEScheduler"] = [.. SigmaSpacings, "noise_sampler_seed"],
        ["DPMSolverMultistepScheduler"] =
        [
            .. MultistepSolver, "algorithm_type", "euler_at_final", .. SigmaSpacings, "use_lu_lambdas", .. FlowSigmas,
            "final_sigmas_type", "lambda_min_clipped", .. Thresholding, .. ZeroSnr, .. Shifting,
        ],
        ["DPMSolverMultistepInverseScheduler"] =
        [
            .. MultistepSolver, "algorithm_type", "euler_at_final", .. SigmaSpacings, .. FlowSigmas, "lambda_min_clipped", .. Thresholding,
        ],
        ["DPMSolverSinglestepScheduler"] =
        [
            .. MultistepSolver, "algorithm_type", .. SigmaSpacings, .. FlowSigmas, "final_sigmas_type", "lambda_min_clipped",
            .. Thresholding, .. Shifting,
        ],
        ["UniPCMultistepScheduler"] =
        [
            .. MultistepSolver, "predict_x0", "disable_corrector", "solver_p", .. SigmaSpacings, .. FlowSigmas, "final_sigmas_type",
            .. Thresholding, .. ZeroSnr, .. Shifting, "sigma_min", "sigma_max", "shift_terminal",
        ],
        ["DEISMultistepScheduler"] =
        [
            .. MultistepSolver, "algorithm_type", .. SigmaSpacings, .. FlowSigmas, .. Thresholding, .. Shifting,
        ],
        ["SASolverScheduler"] =
        [
            "predictor_order", "corrector_order", "tau_func", "algorithm_type", "lower_order_final", .. SigmaSpacings, .. FlowSigmas,
            "lambda_min_clipped", .. Thresholding,
        ],
        ["LCMScheduler"] = ["original_inference_steps", "timestep_scaling", .. Thresholding, .. ZeroSnr],
        ["TCDScheduler"] = ["original_inference_steps", "timestep_scaling", .. Thresholding, .. ZeroSnr],
        ["RePaintScheduler"] = ["eta"],
    };

    // Classes whose schedule is not a β table over discrete timesteps, with what they are instead.
    private static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["ScoreSdeVeScheduler"] = "a variance-exploding score-SDE scheduler (σ only, no β)",
        ["KarrasVeScheduler"] = "a variance-exploding Karras scheduler (σ only, no β)",
        ["ScoreSdeVpScheduler"] = "a continuous-time VP-SDE (beta_min/beta_max, no discrete β table)",
        ["EDMEulerScheduler"] = "an EDM σ-schedule scheduler (σ only, no β)",
        ["EDMDPMSolverMultistepScheduler"] = "an EDM σ-schedule scheduler (σ only, no β)",
        ["CosineDPMSolverMultistepScheduler"] = "an EDM σ-schedule scheduler (σ only, no β)",
        ["CMStochasticIterativeScheduler"] = "a consistency-model scheduler (σ only, no β)",
        ["ConsistencyDecoderScheduler"] = "a consistency-decoder scheduler (its own cosine ᾱ, no β)",
        ["SCMScheduler"] = "a continuous-time consistency-model scheduler (no β)",
        ["FlowMatchEulerDiscreteScheduler"] = "a flow-matching scheduler (no β)",
        ["FlowMatchHeunDiscreteScheduler"] = "a flow-matching scheduler (no β)",
        ["FlowMatchLCMScheduler"] = "a flow-matching scheduler (no β)",
        ["IPNDMScheduler"] = "an improved-PNDM scheduler with its own trigonometric schedule (no β table)",
        ["DDPMWuerstchenScheduler"] = "Würstchen's scheduler (its own cosine ᾱ, no β)",
        ["VQDiffusionScheduler"] = "a discrete-token (VQ) diffusion scheduler",
        ["AmusedScheduler"] = "a masked-token scheduler",
    };

    // Keys known to none of the classes but never warned about (kept from the first version of the ignore list).
    private static readonly string[] AlsoKnown = ["variance_type_log"];

    private static readonly HashSet<string> AnyUnused =
        new(Unused.Values.SelectMany(k => k).Concat(AlsoKnown), StringComparer.Ordinal);

    /// <summary>The <c>_class_name</c>s OnnxDiffusion knows and reads (all variance-preserving β schedulers), sorted.</summary>
    public static IReadOnlyList<string> Known { get; } = Unused.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Whether <paramref name="className"/> is a scheduler OnnxDiffusion knows and can read the schedule of.</summary>
    public static bool IsKnown(string className) => Unused.ContainsKey(className);

    /// <summary>
    /// The keys a config of <paramref name="className"/> may hold that the schedule does not use (empty for a class
    /// OnnxDiffusion does not know).
    /// </summary>
    public static IReadOnlyList<string> UnusedKeys(string className) =>
        Unused.TryGetValue(className, out var keys) ? keys : Array.Empty<string>();

    /// <summary>Why <paramref name="className"/> cannot be run by our samplers, or null when nothing is known against it.</summary>
    internal static string? RefusalReason(string className) => Refused.GetValueOrDefault(className);

    /// <summary>Whether some known class's config holds <paramref name="key"/> (a key the schedule does not use).</summary>
    internal static bool IsUnusedKeyOfSomeClass(string key) => AnyUnused.Contains(key);
}
