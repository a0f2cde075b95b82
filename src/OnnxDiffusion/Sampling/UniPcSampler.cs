using OnnxDiffusion.Kernels;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Sampling;

/// <summary>
/// UniPC (Zhao et al. 2023; diffusers' UniPCMultistepScheduler with predict_x0) with its B(h) predictor UniP and
/// corrector UniC, orders 1 and 2, stateless. Notation as DPM-Solver++: σ_i the step's noise level, α_i = 1/√(σ_i² + 1),
/// s_i = σ_i α_i, λ_i = −ln σ_i, m_i the x̂0 of step i. Before predicting from step j, UniC replaces x_j by
/// (s_j/s_{j−1}) x_{j−1} + α_j(1 − e^{−h}) m_{j−1} − α_j B(h) [Σ ρ_k D_k + ρ_t (m_j − m_{j−1})], where x_{j−1} is the
/// previous step's corrected x and the ρ solve UniPC's small linear system (ρ_t = ½ at order 1); the corrected x depends
/// on the model's x_j only through m_j. UniP then steps from the corrected x as DPM-Solver++(2M) does (its order-2
/// weight ½ α B(h) h/h_{j−1} on m_{j−1} − m_j). Everything is affine in (x_j, model output, m_{j−1}, m_{j−2}, last x),
/// so it is the fused kernel's corrector and predictor coefficients; e^{−h} is taken as σ'/σ, so a final σ of 0 gives
/// x̂0 exactly. The order at step j is min(solver_order, j + 1, and with lower_order_final the steps left in the list);
/// the corrector at step j uses step j − 1's order and is skipped on a run's first step and after the steps
/// disable_corrector lists. No clip_sample, no noise (η is ignored), as in diffusers. One deliberate difference: with
/// bh1 a first-order step onto a final σ of 0 is NaN in diffusers (its B(h) = −h is −∞ and multiplies a correction that
/// is 0 at first order); here that step has no B(h) term and returns x̂0, as bh2 does.
/// </summary>
public sealed class UniPcSampler : ISampler
{
    /// <summary>The sampler with the given options.</summary>
    public UniPcSampler(UniPcOptions options) => Options = options;

    /// <summary>The sampler with the options of a config's source JSON (see <see cref="UniPcOptions.From"/>).</summary>
    /// <exception cref="ConfigException">A key holds a value this sampler does not implement.</exception>
    public UniPcSampler(SchedulerConfig config) : this(UniPcOptions.From(config))
    {
    }

    /// <summary>The keys read from the config.</summary>
    public UniPcOptions Options { get; }

    /// <inheritdoc />
    public string Name => "unipc";

    /// <inheritdoc />
    public SamplerState State => SamplerState.PreviousX0 | SamplerState.OlderX0 | SamplerState.LastSample;

    /// <inheritdoc />
    public SamplingSchedule Timesteps(NoiseSchedule schedule, int steps) => DpmSolverSchedule.For(schedule, Options.Schedule, steps);

    /// <summary>The predictor's order at step <paramref name="index"/> of <paramref name="run"/>.</summary>
    public int Order(SamplingSchedule run, int index)
    {
        int order = Math.Min(Options.SolverOrder, index + 1); // a run's first steps have no (or too little) history
        return Options.LowerOrderFinal ? Math.Min(order, run.Count - index) : order;
    }

    /// <summary>Whether step <paramref name="index"/> of <paramref name="run"/> corrects its x first.</summary>
    public bool Corrects(SamplingSchedule run, int index) =>
        index > 0 && !Options.DisableCorrector.Contains(run.FullCount - run.Count + index - 1);

    /// <inheritdoc />
    public StepCoefficients Coefficients(NoiseSchedule schedule, SamplingSchedule run, int index, double eta)
    {
        if (index < 0 || index >= run.Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"a run of {run.Count} steps");
        var sigmas = run.Sigmas ?? DpmSolverSchedule.SigmasAt(schedule, Options.Schedule, run.Timesteps);
        double sigma = sigmas[index], next = sigmas[index + 1];
        var (predX, predOut) = Samplers.PredictOriginalAtSigma(schedule.Config.PredictionType, sigma);
        var c = new StepCoefficients { PredX = (float)predX, PredOut = (float)predOut };
        if (Corrects(run, index))
            Correct(ref c, sigmas, index, Order(run, index - 1));

        double alpha = Alpha(sigma), alphaNext = Alpha(next);
        double ratio = next / sigma;                  // e^{−h}
        double x0 = -alphaNext * (ratio - 1), prev = 0;
        if (Order(run, index) == 2)
        {
            double h = Math.Log(sigma) - Math.Log(next), h0 = Math.Log(sigmas[index - 1]) - Math.Log(sigma);
            // ρ = ½ on D1 = (m_{j−1} − m_j)·h/(−h0): the weight lands +w on m_{j−1} and −w on m_j. h = 0 (a repeated final σ) gives w = 0.
            double w = h == 0 ? 0 : alphaNext * B(ratio, h) * 0.5 * h / h0;
            x0 -= w;
            prev = w;
        }
        c.X0 = (float)x0;
        c.X = (float)(ratio * alphaNext / alpha); // s'/s
        c.PrevX0 = (float)prev;
        return c;
    }

    /// <summary>UniC of order <paramref name="order"/> over the gap from step index − 1 to index.</summary>
    private void Correct(ref StepCoefficients c, IReadOnlyList<double> sigmas, int index, int order)
    {
        double sigma = sigmas[index], before = sigmas[index - 1];
        double alpha = Alpha(sigma);
        double ratio = sigma / before;               // e^{−h}
        double h = Math.Log(before) - Math.Log(sigma);
        double e = ratio - 1, b = B(ratio, h), hh = -h;
        double rhoNew, rhoOld = 0, rk = 1;
        if (order == 1)
        {
            rhoNew = 0.5;
        }
        else
        {
            // ρ solve [[1, 1], [r, 1]] ρ = (b1, b2) with r = (λ_{j−2} − λ_{j−1})/h and b_k = k!·φ_{k+1}(hh)·hh/B(h).
            rk = -(Math.Log(sigmas[index - 2]) - Math.Log(before)) / h;
            double phi = e / hh - 1;
            double b1 = phi / b, b2 = 2 * (phi / hh - 0.5) / b;
            rhoOld = (b1 - b2) / (1 - rk);
            rhoNew = b1 - rhoOld;
        }
        // xc = (s_j/s_{j−1}) last − α e m_{j−1} − α B [ρ_old (m_{j−2} − m_{j−1})/r + ρ_new (m_j − m_{j−1})]
        double older = -alpha * b * rhoOld / rk;
        c.Corrector = 1;
        c.CorrectorLast = (float)(ratio * alpha / Alpha(before));
        c.CorrectorX0 = (float)(-alpha * b * rhoNew);
        c.CorrectorPrevX0 = (float)(-alpha * e + alpha * b * rhoNew - older);
        c.CorrectorOlderX0 = (float)older;
    }

    private double B(double ratio, double h) => Options.SolverType == UniPcSolverType.Bh2 ? ratio - 1 : -h;

    private static double Alpha(double sigma) => 1 / Math.Sqrt(sigma * sigma + 1);
}
