using OnnxDiffusion.Kernels;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Sampling;

/// <summary>
/// One reverse-diffusion update rule, in the k-diffusion spirit: stateless, given the schedule, the current
/// timestep t and the next one t' (from the timestep list; −1 after the last) it yields the float64-derived
/// coefficients of the fused step kernel. No sampler keeps state between steps.
/// </summary>
public interface ISampler
{
    /// <summary>Short name used on the command line and in manifests (ddim, ddpm).</summary>
    string Name { get; }

    /// <summary>Coefficients of the update from t to t'.</summary>
    StepCoefficients Coefficients(NoiseSchedule schedule, int t, int tPrev, double eta);
}

/// <summary>Sampler lookup by name.</summary>
public static class Samplers
{
    /// <summary>Names accepted by <see cref="Create"/>.</summary>
    public static readonly string[] Names = ["ddim", "ddpm"];

    /// <summary>Creates a sampler by name.</summary>
    /// <exception cref="ConfigException">Unknown name.</exception>
    public static ISampler Create(string name) => name.Trim().ToLowerInvariant() switch
    {
        "ddim" => new DdimSampler(),
        "ddpm" => new DdpmSampler(),
        _ => throw new ConfigException($"sampler '{name}': expected one of {string.Join(", ", Names)}"),
    };

    /// <summary>x̂0 = a·x_t + b·out for the prediction type at ᾱ_t.</summary>
    internal static (double A, double B) PredictOriginal(PredictionType type, double alphaBar) => type switch
    {
        PredictionType.Epsilon => (1.0 / Math.Sqrt(alphaBar), -Math.Sqrt(1 - alphaBar) / Math.Sqrt(alphaBar)),
        PredictionType.VPrediction => (Math.Sqrt(alphaBar), -Math.Sqrt(1 - alphaBar)),
        PredictionType.Sample => (0.0, 1.0),
        _ => throw new ConfigException($"prediction_type {type} is not implemented"),
    };

    internal static float Clip(SchedulerConfig c) => c.ClipSample ? (float)c.ClipSampleRange : 0f;
}
