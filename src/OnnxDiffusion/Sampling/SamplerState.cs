namespace OnnxDiffusion.Sampling;

/// <summary>
/// Device buffers a sampler's fused step carries from one step to the next. The loop allocates only the ones a sampler
/// declares, so a single-step sampler pays for none and a weight on an undeclared buffer is a programming error.
/// </summary>
[Flags]
public enum SamplerState
{
    /// <summary>Nothing survives a step (DDPM, DDIM).</summary>
    None = 0,

    /// <summary>The previous step's x̂0 (second-order multistep solvers).</summary>
    PreviousX0 = 1,

    /// <summary>The x̂0 of two steps back (kept beside <see cref="PreviousX0"/>, which it is shifted from).</summary>
    OlderX0 = 2,

    /// <summary>The previous step's x after its correction (predictor–corrector solvers: UniPC's <c>last_sample</c>).</summary>
    LastSample = 4,
}
