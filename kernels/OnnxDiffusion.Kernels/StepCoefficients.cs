namespace OnnxDiffusion.Kernels;

/// <summary>
/// Every DDPM / DDIM / multistep (DPM-Solver++, UniPC) update in the three prediction parameterisations is affine in
/// (x_t, model output, earlier x̂0s, the previous step's corrected x) once x̂0 is clipped, so one kernel evaluates
/// <code>
/// x̂0   = clip(PredX · x_t + PredOut · out)
/// xc   = Corrector ? CorrectorLast · last + CorrectorX0 · x̂0 + CorrectorPrevX0 · h1 + CorrectorOlderX0 · h2 : x_t
/// next = X0 · x̂0 + X · xc + Out · out + PrevX0 · h1 + Sigma · z
/// </code>
/// and leaves h2 ← h1, h1 ← x̂0, last ← xc in whichever of those state buffers it is given (h1 the previous step's
/// x̂0, h2 the one before, last the previous step's corrected x). A term of weight 0 does not read its buffer, so a
/// stale or uninitialised buffer cannot leak in. The coefficients are worked out on the host in float64 by the sampler
/// (which knows the schedule), so the kernel stays a single fused pass and knows nothing about schedules.
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

    /// <summary>Direct weight of x_t (or of its corrected value, with <see cref="Corrector"/>) in x_prev.</summary>
    public float X;

    /// <summary>Direct weight of the model output in x_prev.</summary>
    public float Out;

    /// <summary>Standard deviation of the fresh noise; 0 means no noise is drawn.</summary>
    public float Sigma;

    /// <summary>Weight of the previous step's x̂0 (h1) in x_prev; multistep solvers use it.</summary>
    public float PrevX0;

    /// <summary>
    /// Non-zero: x_t is first replaced by the corrector's xc (a predictor–corrector solver's corrected x), which the
    /// update then weighs with <see cref="X"/> and which is left in the last-sample buffer. Zero: xc = x_t.
    /// </summary>
    public int Corrector;

    /// <summary>Weight of the previous step's corrected x (the last-sample buffer) in xc.</summary>
    public float CorrectorLast;

    /// <summary>Weight of this step's x̂0 in xc.</summary>
    public float CorrectorX0;

    /// <summary>Weight of the previous step's x̂0 (h1) in xc.</summary>
    public float CorrectorPrevX0;

    /// <summary>Weight of the x̂0 of two steps back (h2) in xc.</summary>
    public float CorrectorOlderX0;

    /// <summary>Whether the step reads h1, the previous step's x̂0.</summary>
    public readonly bool ReadsPrevX0 => PrevX0 != 0f || (Corrector != 0 && CorrectorPrevX0 != 0f);

    /// <summary>Whether the step reads h2, the x̂0 of two steps back.</summary>
    public readonly bool ReadsOlderX0 => Corrector != 0 && CorrectorOlderX0 != 0f;

    /// <summary>Whether the step reads the previous step's corrected x.</summary>
    public readonly bool ReadsLast => Corrector != 0 && CorrectorLast != 0f;
}
