using OnnxDiffusion.Kernels;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Sampling;

/// <summary>
/// DDIM (Song et al. 2021): x' = √ᾱ' x̂0 + √(1 − ᾱ' − σ²) ε̂ + σ z with
/// σ = η √[(1−ᾱ')/(1−ᾱ_t) · (1 − ᾱ_t/ᾱ')]. ε̂ is taken from the raw prediction (before x̂0 is clipped),
/// as diffusers does; ᾱ' after the last step is 1 or ᾱ_0 depending on set_alpha_to_one.
/// </summary>
public sealed class DdimSampler : ISampler
{
    /// <inheritdoc />
    public string Name => "ddim";

    /// <inheritdoc />
    public SamplerState State => SamplerState.None;

    /// <summary>The DDIM variance (1−ᾱ')/(1−ᾱ_t) · (1 − ᾱ_t/ᾱ').</summary>
    public static double Variance(NoiseSchedule s, int t, int tPrev)
    {
        double a = s.AlphasCumprod[t];
        double ap = PrevAlphaBar(s, tPrev);
        return (1 - ap) / (1 - a) * (1 - a / ap);
    }

    private static double PrevAlphaBar(NoiseSchedule s, int tPrev) =>
        tPrev >= 0 ? s.AlphasCumprod[tPrev] : (s.Config.SetAlphaToOne ? 1.0 : s.AlphasCumprod[0]);

    /// <inheritdoc />
    public SamplingSchedule Timesteps(NoiseSchedule schedule, int steps) => Samplers.AlphaBarTimesteps(schedule, steps);

    /// <inheritdoc />
    public StepCoefficients Coefficients(NoiseSchedule schedule, SamplingSchedule run, int index, double eta) =>
        Coefficients(schedule, run.Timesteps[index], run.Next(index), eta);

    /// <summary>Coefficients of the update from t to t' (−1 after the last step).</summary>
    public StepCoefficients Coefficients(NoiseSchedule schedule, int t, int tPrev, double eta)
    {
        if (!(eta >= 0 && eta <= 1))
            throw new ConfigException($"eta = {eta}: expected a number in [0, 1]");
        var cfg = schedule.Config;
        double a = schedule.AlphasCumprod[t];
        double ap = PrevAlphaBar(schedule, tPrev);
        var (pa, pb) = Samplers.PredictOriginal(cfg.PredictionType, a);
        // ε̂ = ea·x_t + eb·out, from the unclipped prediction.
        var (ea, eb) = cfg.PredictionType switch
        {
            PredictionType.Epsilon => (0.0, 1.0),
            PredictionType.VPrediction => (Math.Sqrt(1 - a), Math.Sqrt(a)),
            _ => (1.0 / Math.Sqrt(1 - a), -Math.Sqrt(a) / Math.Sqrt(1 - a)),
        };
        double sigma = eta * Math.Sqrt(Variance(schedule, t, tPrev));
        double dir = Math.Sqrt(Math.Max(0.0, 1 - ap - sigma * sigma));
        return new StepCoefficients
        {
            PredX = (float)pa,
            PredOut = (float)pb,
            ClipRange = Samplers.Clip(cfg),
            X0 = (float)Math.Sqrt(ap),
            X = (float)(dir * ea),
            Out = (float)(dir * eb),
            Sigma = (float)sigma,
        };
    }
}
