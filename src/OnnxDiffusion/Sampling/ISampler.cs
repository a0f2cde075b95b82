using OnnxDiffusion.Kernels;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Sampling;

/// <summary>
/// One reverse-diffusion update rule, in the k-diffusion spirit. A sampler owns its timestep list and, given the
/// schedule, the list being run and the step's index in it, yields the float64-derived coefficients of the fused step
/// kernel. Every DDPM / DDIM / DPM-Solver++(2M) update is affine in (x_t, model output, previous x̂0), so the state a
/// multistep sampler needs is the one x̂0 history buffer the loop keeps on the device; the sampler itself is stateless.
/// </summary>
public interface ISampler
{
    /// <summary>Short name used on the command line and in manifests (ddim, ddpm, …).</summary>
    string Name { get; }

    /// <summary>The sampler's inference schedule for <paramref name="steps"/> steps.</summary>
    /// <exception cref="ConfigException">A step count the schedule cannot give.</exception>
    SamplingSchedule Timesteps(NoiseSchedule schedule, int steps);

    /// <summary>
    /// Coefficients of step <paramref name="index"/> of <paramref name="run"/> (from its timestep to the next). Step 0 of a
    /// run has no history: its weight on the previous x̂0 must be 0.
    /// </summary>
    StepCoefficients Coefficients(NoiseSchedule schedule, SamplingSchedule run, int index, double eta);
}

/// <summary>Sampler lookup by name.</summary>
public static class Samplers
{
    /// <summary>Names accepted by <see cref="Create"/>.</summary>
    public static readonly string[] Names = ["ddim", "ddpm", "dpm++2m"];

    /// <summary>Creates a sampler by name, reading any keys of its own from <paramref name="config"/> (its defaults without one).</summary>
    /// <exception cref="ConfigException">Unknown name, or a key of the sampler's with a value it does not take.</exception>
    public static ISampler Create(string name, SchedulerConfig? config = null) => name.Trim().ToLowerInvariant() switch
    {
        "ddim" => new DdimSampler(),
        "ddpm" => new DdpmSampler(),
        "dpm++2m" => new DpmSolverMultistepSampler(config ?? new SchedulerConfig()),
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

    /// <summary>The DDPM/DDIM schedule: diffusers' set_timesteps for the config's spacing, no σ.</summary>
    internal static SamplingSchedule AlphaBarTimesteps(NoiseSchedule schedule, int steps) =>
        new(Schedules.Timesteps.For(schedule.Config, steps));
}
