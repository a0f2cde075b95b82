namespace OnnxDiffusion.Kernels;

/// <summary>
/// Every DDPM / DDIM update in the three prediction parameterisations is affine in (x_t, model output)
/// once x̂0 is clipped, so one kernel evaluates
/// <c>x_prev = X0 · clip(PredX · x_t + PredOut · out) + X · x_t + Out · out + Sigma · z</c>.
/// The coefficients are worked out on the host in float64 by the sampler (which knows the schedule),
/// so the kernel stays a single fused pass and knows nothing about schedules.
/// </summary>
public struct StepCoefficients
{
    /// <summary>Weight of x_t in x̂0.</summary>
    public float PredX;

    /// <summary>Weight of the model output in x̂0.</summary>
    public float PredOut;

    /// <summary>Clip range for x̂0 (|x̂0| ≤ ClipRange); 0 or less disables clipping.</summary>
    public float ClipRange;

    /// <summary>Weight of the (clipped) x̂0 in x_prev.</summary>
    public float X0;

    /// <summary>Direct weight of x_t in x_prev.</summary>
    public float X;

    /// <summary>Direct weight of the model output in x_prev.</summary>
    public float Out;

    /// <summary>Standard deviation of the fresh noise; 0 means no noise is drawn.</summary>
    public float Sigma;

    /// <summary>
    /// Weight of the previous step's x̂0 (the history buffer) in x_prev; multistep solvers use it. 0 means the history is not
    /// read, so a stale or uninitialised buffer cannot leak in.
    /// </summary>
    public float PrevX0;
}
