using OnnxDiffusion.Kernels;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Sampling;

/// <summary>
/// Ancestral DDPM (Ho et al. 2020) over an arbitrary timestep list: with ᾱ' = ᾱ_{t'} (1 after the last step),
/// α = ᾱ_t/ᾱ', β = 1 − α, the posterior mean is [√ᾱ' β/(1−ᾱ_t)] x̂0 + [√α (1−ᾱ')/(1−ᾱ_t)] x_t and noise is
/// added only for t &gt; 0 (fixed_small: β(1−ᾱ')/(1−ᾱ_t), floored at 1e-20; fixed_large: β).
/// <c>eta</c> is ignored: DDPM is always fully stochastic.
/// </summary>
public sealed class DdpmSampler : ISampler
{
    /// <inheritdoc />
    public string Name => "ddpm";

    /// <inheritdoc />
    public SamplerState State => SamplerState.None;

    /// <summary>The posterior variance for the step t → t'.</summary>
    public static double Variance(NoiseSchedule s, int t, int tPrev)
    {
        double a = s.AlphasCumprod[t];
        double ap = s.AlphaBarOrOne(tPrev);
        double beta = 1 - a / ap;
        return s.Config.VarianceType == VarianceType.FixedLarge
            ? beta
            : Math.Max((1 - ap) / (1 - a) * beta, 1e-20);
    }

    /// <inheritdoc />
    public SamplingSchedule Timesteps(NoiseSchedule schedule, int steps) => Samplers.AlphaBarTimesteps(schedule, steps);

    /// <inheritdoc />
    public StepCoefficients Coefficients(NoiseSchedule schedule, SamplingSchedule run, int index, double eta) =>
        Coefficients(schedule, run.Timesteps[index], run.Next(index), eta);

    /// <summary>Coefficients of the update from t to t' (−1 after the last step).</summary>
    public StepCoefficients Coefficients(NoiseSchedule schedule, int t, int tPrev, double eta)
    {
        var cfg = schedule.Config;
        double a = schedule.AlphasCumprod[t];
        double ap = schedule.AlphaBarOrOne(tPrev);
        double alpha = a / ap;
        double beta = 1 - alpha;
        var (pa, pb) = Samplers.PredictOriginal(cfg.PredictionType, a);
        return new StepCoefficients
        {
            PredX = (float)pa,
            PredOut = (float)pb,
            ClipRange = Samplers.Clip(cfg),
            X0 = (float)(Math.Sqrt(ap) * beta / (1 - a)),
            X = (float)(Math.Sqrt(alpha) * (1 - ap) / (1 - a)),
            Out = 0f,
            Sigma = t > 0 ? (float)Math.Sqrt(Variance(schedule, t, tPrev)) : 0f,
        };
    }
}
