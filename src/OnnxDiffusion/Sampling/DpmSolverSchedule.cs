using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Sampling;

/// <summary>
/// DPM-Solver's inference schedule (diffusers' DPMSolverMultistepScheduler.set_timesteps, which UniPC's repeats): integer timesteps spaced
/// with DPM's own rules, which drop the t = 0 end rather than the t = T end, and the σ of each step, either σ(t) at
/// those timesteps or a Karras / Lu σ sequence whose timesteps are read back off the log-σ table. One final σ
/// (0 or σ(0)) closes the list.
/// </summary>
public static class DpmSolverSchedule
{
    /// <summary>The schedule for <paramref name="steps"/> steps.</summary>
    /// <exception cref="ConfigException">A step count the schedule cannot give.</exception>
    public static SamplingSchedule For(NoiseSchedule schedule, DpmSolverOptions options, int steps)
    {
        int T = schedule.NumTrainTimesteps;
        if (steps < 1 || steps > T)
            throw new ConfigException($"steps = {steps}: expected 1 ≤ steps ≤ num_train_timesteps ({T})");
        if (options.Sigmas != DpmSigmaSpacing.Timesteps && T < 2)
            throw new ConfigException($"num_train_timesteps = {T}: Karras and Lu σ need at least 2 training timesteps to interpolate between");
        var sigmaOfT = schedule.AlphasCumprod.Select(a => Math.Sqrt((1 - a) / a)).ToArray();
        int[] timesteps;
        double[] sigmas;
        switch (options.Sigmas)
        {
            case DpmSigmaSpacing.Karras:
                sigmas = Karras(sigmaOfT[0], sigmaOfT[T - 1], steps);
                timesteps = TimestepsOf(sigmas, sigmaOfT);
                break;
            case DpmSigmaSpacing.Lu:
                sigmas = Lu(sigmaOfT[0], sigmaOfT[T - 1], steps);
                timesteps = TimestepsOf(sigmas, sigmaOfT);
                break;
            default:
                timesteps = Spaced(schedule.Config, options.Spacing, steps);
                sigmas = timesteps.Select(t => sigmaOfT[t]).ToArray();
                break;
        }
        // A repeated noise level makes the previous step's λ-gap zero, and the second-order weights divide by it.
        for (int i = 1; i < sigmas.Length; i++)
            if (!(sigmas[i] < sigmas[i - 1]))
                throw new ConfigException(
                    $"steps = {steps}: the σ schedule repeats a noise level (timesteps {timesteps[i - 1]} and {timesteps[i]}); expected fewer steps");
        double final = options.FinalSigma == DpmFinalSigma.Zero ? 0.0 : sigmaOfT[0];
        return new SamplingSchedule(timesteps, [.. sigmas, final], steps);
    }

    /// <summary>σ(t) = √((1−ᾱ_t)/ᾱ_t) at each timestep, plus the final σ the options ask for (for lists given without σ).</summary>
    public static double[] SigmasAt(NoiseSchedule schedule, DpmSolverOptions options, IReadOnlyList<int> timesteps)
    {
        var a = schedule.AlphasCumprod;
        var s = new double[timesteps.Count + 1];
        for (int i = 0; i < timesteps.Count; i++)
            s[i] = Math.Sqrt((1 - a[timesteps[i]]) / a[timesteps[i]]);
        s[^1] = options.FinalSigma == DpmFinalSigma.Zero ? 0.0 : Math.Sqrt((1 - a[0]) / a[0]);
        return s;
    }

    /// <summary>DPM's integer spacing: N + 1 points of which the t = 0 end is dropped (linspace, leading), or DDIM's trailing list.</summary>
    internal static int[] Spaced(SchedulerConfig config, TimestepSpacing spacing, int n)
    {
        int T = config.NumTrainTimesteps;
        var ts = new int[n];
        switch (spacing)
        {
            case TimestepSpacing.Linspace:
            {
                var lin = NoiseSchedule.Linspace(0, T - 1, n + 1);
                for (int i = 0; i < n; i++)
                    ts[i] = (int)Math.Round(lin[n - i], MidpointRounding.ToEven);
                return ts;
            }
            case TimestepSpacing.Leading:
            {
                int ratio = T / (n + 1);
                for (int i = 0; i < n; i++)
                    ts[i] = (n - i) * ratio + config.StepsOffset;
                return ts;
            }
            default:
                // round(arange(T, 0, −T/N)) − 1 is the same list for DPM as for DDIM.
                return Schedules.Timesteps.For(config with { TimestepSpacing = spacing }, n);
        }
    }

    /// <summary>(σmax^{1/ρ} + r(σmin^{1/ρ} − σmax^{1/ρ}))^ρ with ρ = 7, r = linspace(0, 1, N).</summary>
    internal static double[] Karras(double sigmaMin, double sigmaMax, int n)
    {
        const double rho = 7.0;
        double lo = Math.Pow(sigmaMin, 1 / rho), hi = Math.Pow(sigmaMax, 1 / rho);
        return Ends(NoiseSchedule.Linspace(0, 1, n).Select(r => Math.Pow(hi + r * (lo - hi), rho)).ToArray(), sigmaMin, sigmaMax);
    }

    /// <summary>log σ evenly from log σmax to log σmin (λ = −log σ evenly spaced).</summary>
    internal static double[] Lu(double sigmaMin, double sigmaMax, int n)
    {
        double lo = Math.Log(sigmaMin), hi = Math.Log(sigmaMax);
        return Ends(NoiseSchedule.Linspace(0, 1, n).Select(r => Math.Exp(hi + r * (lo - hi))).ToArray(), sigmaMin, sigmaMax);
    }

    /// <summary>
    /// The ends of the ramp are σmax and σmin themselves: the power and exp round trips miss them by an ulp, and with
    /// final_sigmas_type sigma_min the last step must see exactly σ' = σ (h = 0) to be the identity.
    /// </summary>
    private static double[] Ends(double[] sigmas, double sigmaMin, double sigmaMax)
    {
        sigmas[0] = sigmaMax;
        if (sigmas.Length > 1)
            sigmas[^1] = sigmaMin;
        return sigmas;
    }

    /// <summary>
    /// The fractional timestep at which log σ(t) equals log σ (linear interpolation between neighbouring entries of the
    /// table, clamped to its ends), rounded half to even.
    /// </summary>
    internal static int[] TimestepsOf(double[] sigmas, double[] sigmaOfT)
    {
        var logTable = sigmaOfT.Select(s => Math.Log(s)).ToArray();
        var ts = new int[sigmas.Length];
        for (int k = 0; k < sigmas.Length; k++)
            ts[k] = (int)Math.Round(FractionalTimestep(Math.Log(Math.Max(sigmas[k], 1e-10)), logTable), MidpointRounding.ToEven);
        return ts;
    }

    private static double FractionalTimestep(double logSigma, double[] logTable)
    {
        // The last table entry at or below log σ, kept one short of the end so that an upper neighbour exists.
        int low = 0;
        for (int i = 0; i < logTable.Length; i++)
            if (logTable[i] <= logSigma)
                low = i;
        low = Math.Min(low, logTable.Length - 2);
        double w = (logTable[low] - logSigma) / (logTable[low] - logTable[low + 1]);
        return low + Math.Clamp(w, 0, 1);
    }
}
