using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Sampling;

/// <summary>The samplers OnnxDiffusion has, one registration each, and the helpers they share.</summary>
public static class Samplers
{
    /// <summary>Every sampler, in the order help texts list them.</summary>
    public static IReadOnlyList<SamplerRegistration> Registered { get; } =
    [
        new("ddim", _ => new DdimSampler()),
        new("ddpm", _ => new DdpmSampler()),
        new("dpm++2m", DpmSolverOptions.KeysRead, c => new DpmSolverMultistepSampler(c)),
        new("unipc", UniPcOptions.KeysRead, c => new UniPcSampler(c)),
    ];

    /// <summary>Names accepted by <see cref="Create"/>.</summary>
    public static readonly string[] Names = Registered.Select(r => r.Name).ToArray();

    /// <summary>The registration of sampler <paramref name="name"/> (case and surrounding space ignored).</summary>
    /// <exception cref="ConfigException">Unknown name.</exception>
    public static SamplerRegistration Get(string name)
    {
        string key = name.Trim().ToLowerInvariant();
        return Registered.FirstOrDefault(r => r.Name == key)
               ?? throw new ConfigException($"sampler '{name}': expected one of {string.Join(", ", Names)}");
    }

    /// <summary>Creates a sampler by name, reading any keys of its own from <paramref name="config"/> (its defaults without one).</summary>
    /// <exception cref="ConfigException">Unknown name, or a key of the sampler's with a value it does not take.</exception>
    public static ISampler Create(string name, SchedulerConfig? config = null) => Get(name).Create(config ?? new SchedulerConfig());

    /// <summary>x̂0 = a·x_t + b·out for the prediction type at ᾱ_t.</summary>
    internal static (double A, double B) PredictOriginal(PredictionType type, double alphaBar) => type switch
    {
        PredictionType.Epsilon => (1.0 / Math.Sqrt(alphaBar), -Math.Sqrt(1 - alphaBar) / Math.Sqrt(alphaBar)),
        PredictionType.VPrediction => (Math.Sqrt(alphaBar), -Math.Sqrt(1 - alphaBar)),
        PredictionType.Sample => (0.0, 1.0),
        _ => throw new ConfigException($"prediction_type {type} is not implemented"),
    };

    /// <summary>x̂0 = a·x + b·out at noise level σ (α = 1/√(σ²+1), s = σα), for the samplers that work in σ.</summary>
    internal static (double A, double B) PredictOriginalAtSigma(PredictionType type, double sigma)
    {
        double alpha = 1 / Math.Sqrt(sigma * sigma + 1);
        return type switch
        {
            PredictionType.Epsilon => (1 / alpha, -sigma),
            PredictionType.VPrediction => (alpha, -sigma * alpha),
            PredictionType.Sample => (0.0, 1.0),
            _ => throw new ConfigException($"prediction_type {type} is not implemented"),
        };
    }

    internal static float Clip(SchedulerConfig c) => c.ClipSample ? (float)c.ClipSampleRange : 0f;

    /// <summary>The DDPM/DDIM schedule: diffusers' set_timesteps for the config's spacing, no σ.</summary>
    internal static SamplingSchedule AlphaBarTimesteps(NoiseSchedule schedule, int steps) =>
        new(Schedules.Timesteps.For(schedule.Config, steps));
}
