using OnnxDiffusion.Kernels;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Sampling;

/// <summary>
/// One reverse-diffusion update rule, in the k-diffusion spirit. A sampler owns its timestep list and, given the
/// schedule, the list being run and the step's index in it, yields the float64-derived coefficients of the fused step
/// kernel. Every update is affine in (x_t, model output, earlier x̂0s), so the state a multistep sampler needs lives in
/// device buffers the loop keeps for it, the ones <see cref="State"/> declares; the sampler itself is stateless.
/// </summary>
public interface ISampler
{
    /// <summary>Short name used on the command line and in manifests (ddim, ddpm, …).</summary>
    string Name { get; }

    /// <summary>The state buffers the fused step reads and refreshes for this sampler (the loop allocates exactly these).</summary>
    SamplerState State { get; }

    /// <summary>The sampler's inference schedule for <paramref name="steps"/> steps.</summary>
    /// <exception cref="ConfigException">A step count the schedule cannot give.</exception>
    SamplingSchedule Timesteps(NoiseSchedule schedule, int steps);

    /// <summary>
    /// Coefficients of step <paramref name="index"/> of <paramref name="run"/> (from its timestep to the next). Step 0 of a
    /// run has no history: its weight on the previous x̂0 must be 0.
    /// </summary>
    StepCoefficients Coefficients(NoiseSchedule schedule, SamplingSchedule run, int index, double eta);
}
