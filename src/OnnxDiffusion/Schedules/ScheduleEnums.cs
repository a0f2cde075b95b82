namespace OnnxDiffusion.Schedules;

/// <summary>How β_t is laid out over the training timesteps.</summary>
public enum BetaSchedule
{
    /// <summary>β = linspace(β_start, β_end, T).</summary>
    Linear,

    /// <summary>β = linspace(√β_start, √β_end, T)².</summary>
    ScaledLinear,

    /// <summary>Nichol &amp; Dhariwal's cosine schedule, β capped at 0.999.</summary>
    SquaredCosCapV2,
}

/// <summary>What the network predicts.</summary>
public enum PredictionType
{
    /// <summary>The added noise ε.</summary>
    Epsilon,

    /// <summary>The velocity v = √ᾱ ε − √(1−ᾱ) x0.</summary>
    VPrediction,

    /// <summary>The clean sample x0.</summary>
    Sample,
}

/// <summary>How inference timesteps are picked from the training timesteps.</summary>
public enum TimestepSpacing
{
    /// <summary>0, r, 2r, … (r = T div N), reversed, plus steps_offset.</summary>
    Leading,

    /// <summary>round(arange(T, 0, −T/N)) − 1.</summary>
    Trailing,

    /// <summary>round(linspace(0, T−1, N)), reversed.</summary>
    Linspace,
}

/// <summary>DDPM posterior variance choice.</summary>
public enum VarianceType
{
    /// <summary>β̃_t = (1−ᾱ_{t'})/(1−ᾱ_t) · β_t.</summary>
    FixedSmall,

    /// <summary>β_t.</summary>
    FixedLarge,
}
