using OnnxDiffusion.Kernels;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Sampling;

/// <summary>
/// DPM-Solver++(2M) (Lu et al. 2022; diffusers' DPMSolverMultistepScheduler with algorithm_type dpmsolver++), stateless.
/// With σ_i the step's noise level, α_i = 1/√(σ_i² + 1), s_i = σ_i α_i and λ_i = −ln σ_i, the first-order step is
/// x' = (s'/s) x + α'(1 − e^{−h}) x̂0, h = λ' − λ; the second order adds a correction from the previous step's x̂0
/// (midpoint or Heun), read from the loop's history buffer. Both are affine in (x_t, x̂0, previous x̂0), so they are
/// expressed as the fused kernel's coefficients; e^{−h} is taken as σ'/σ, so a final σ of 0 (λ = +∞) gives x̂0 exactly.
/// The model output is never clipped (DPM has no clip_sample), η is ignored (dpmsolver++ draws no noise), and the DDPM /
/// DDIM keys clip_sample, set_alpha_to_one and variance_type fixed_* do not apply, as in diffusers.
/// </summary>
public sealed class DpmSolverMultistepSampler : ISampler
{
    /// <summary>The sampler with diffusers' defaults.</summary>
    public DpmSolverMultistepSampler() : this(new DpmSolverOptions())
    {
    }

    /// <summary>The sampler with the given options.</summary>
    public DpmSolverMultistepSampler(DpmSolverOptions options) => Options = options;

    /// <summary>The sampler with the options of a config's source JSON (see <see cref="DpmSolverOptions.From"/>).</summary>
    /// <exception cref="ConfigException">A key holds a value this sampler does not implement.</exception>
    public DpmSolverMultistepSampler(SchedulerConfig config) : this(DpmSolverOptions.From(config))
    {
    }

    /// <summary>The keys read from the config.</summary>
    public DpmSolverOptions Options { get; }

    /// <inheritdoc />
    public string Name => "dpm++2m";

    /// <inheritdoc />
    public SamplerState State => SamplerState.PreviousX0;

    /// <inheritdoc />
    public SamplingSchedule Timesteps(NoiseSchedule schedule, int steps) => DpmSolverSchedule.For(schedule, Options, steps);

    /// <summary>
    /// Whether step <paramref name="index"/> of <paramref name="run"/> is first order: the first step of a run (no history)
    /// and, on the last step, with euler_at_final, with lower_order_final when the whole list is shorter than 15, or when
    /// the final σ is 0.
    /// </summary>
    public bool IsFirstOrder(SamplingSchedule run, int index)
    {
        if (Options.SolverOrder == 1 || index == 0)
            return true;
        bool last = index == run.Count - 1;
        return last && (Options.EulerAtFinal || (Options.LowerOrderFinal && run.FullCount < 15) || Options.FinalSigma == DpmFinalSigma.Zero);
    }

    /// <inheritdoc />
    public StepCoefficients Coefficients(NoiseSchedule schedule, SamplingSchedule run, int index, double eta)
    {
        if (index < 0 || index >= run.Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"a run of {run.Count} steps");
        var sigmas = run.Sigmas ?? DpmSolverSchedule.SigmasAt(schedule, Options, run.Timesteps);
        double sigma = sigmas[index], next = sigmas[index + 1];
        double alpha = 1 / Math.Sqrt(sigma * sigma + 1), alphaNext = 1 / Math.Sqrt(next * next + 1);
        var (predX, predOut) = Samplers.PredictOriginalAtSigma(schedule.Config.PredictionType, sigma);
        // e^{−h} = σ'/σ because λ = −ln σ; a zero σ' then gives weight 0 on x and 1 on x̂0 without forming λ' = +∞.
        double ratio = next / sigma;
        double firstOrder = alphaNext * (1 - ratio);
        double x0 = firstOrder, prev = 0;
        if (!IsFirstOrder(run, index))
        {
            double h = Math.Log(sigma) - Math.Log(next);
            double h0 = Math.Log(sigmas[index - 1]) - Math.Log(sigma);
            // D1 = (m0 − m1)/r0 with r0 = h0/h, so the correction's weight c lands +c on x̂0 and −c on the previous x̂0.
            double c = Options.SolverType == DpmSolverType.Midpoint
                ? 0.5 * firstOrder * h / h0
                : alphaNext * (ratio - 1 + h) / h0;
            x0 += c;
            prev = -c;
        }
        return new StepCoefficients
        {
            PredX = (float)predX,
            PredOut = (float)predOut,
            ClipRange = 0f,
            X0 = (float)x0,
            X = (float)(ratio * alphaNext / alpha), // s'/s
            Out = 0f,
            PrevX0 = (float)prev,
            Sigma = 0f,
        };
    }
}
