namespace OnnxDiffusion.Schedules;

/// <summary>
/// β_t and ᾱ_t = ∏_{i≤t}(1 − β_i) for one <see cref="SchedulerConfig"/>, computed in float64 on the host.
/// The float32 tables handed to kernels (√ᾱ and √(1−ᾱ)) are derived from the float64 values, so no
/// precision is lost to 1 − ᾱ cancellation near t = 0.
/// </summary>
public sealed class NoiseSchedule
{
    /// <summary>Builds the schedule of a (validated) config.</summary>
    public NoiseSchedule(SchedulerConfig config)
    {
        config.Validate();
        Config = config;
        int n = config.NumTrainTimesteps;
        Betas = config.TrainedBetas is { } tb ? tb.ToArray() : config.BetaSchedule switch
        {
            BetaSchedule.Linear => Linspace(config.BetaStart, config.BetaEnd, n),
            BetaSchedule.ScaledLinear => Linspace(Math.Sqrt(config.BetaStart), Math.Sqrt(config.BetaEnd), n).Select(b => b * b).ToArray(),
            BetaSchedule.SquaredCosCapV2 => CosineBetas(n, 0.999),
            _ => throw new ConfigException($"beta_schedule {config.BetaSchedule} is not implemented"),
        };
        AlphasCumprod = new double[n];
        double acc = 1.0;
        for (int i = 0; i < n; i++)
        {
            acc *= 1.0 - Betas[i];
            AlphasCumprod[i] = acc;
        }
        SqrtAlphaBar = AlphasCumprod.Select(a => (float)Math.Sqrt(a)).ToArray();
        SqrtOneMinusAlphaBar = AlphasCumprod.Select(a => (float)Math.Sqrt(1.0 - a)).ToArray();
    }

    /// <summary>The config this schedule was built from.</summary>
    public SchedulerConfig Config { get; }

    /// <summary>T.</summary>
    public int NumTrainTimesteps => Config.NumTrainTimesteps;

    /// <summary>β_t, t = 0 … T−1.</summary>
    public double[] Betas { get; }

    /// <summary>ᾱ_t, t = 0 … T−1.</summary>
    public double[] AlphasCumprod { get; }

    /// <summary>√ᾱ_t as float32, for kernels.</summary>
    public float[] SqrtAlphaBar { get; }

    /// <summary>√(1 − ᾱ_t) as float32, for kernels.</summary>
    public float[] SqrtOneMinusAlphaBar { get; }

    /// <summary>ᾱ at t, with ᾱ_{−1} defined as 1 (the value before the first step).</summary>
    public double AlphaBarOrOne(int t) => t >= 0 ? AlphasCumprod[t] : 1.0;

    /// <summary>numpy.linspace semantics: start + i·step, the last value exactly <paramref name="stop"/>.</summary>
    internal static double[] Linspace(double start, double stop, int n)
    {
        var r = new double[n];
        if (n == 1)
        {
            r[0] = start;
            return r;
        }
        double step = (stop - start) / (n - 1);
        for (int i = 0; i < n; i++)
            r[i] = start + i * step;
        r[n - 1] = stop;
        return r;
    }

    private static double[] CosineBetas(int n, double maxBeta)
    {
        static double F(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
        var betas = new double[n];
        for (int i = 0; i < n; i++)
            betas[i] = Math.Min(1 - F((i + 1.0) / n) / F((double)i / n), maxBeta);
        return betas;
    }
}
