namespace OnnxDiffusion.Schedules;

/// <summary>
/// Inference timestep lists (diffusers' <c>set_timesteps</c> for DDPM/DDIM) and img2img strength.
/// Lists run from high t to low t. The timestep that follows t is always the next list entry
/// (−1 after the last), never t − T/N, which is wrong for trailing and linspace spacing.
/// </summary>
public static class Timesteps
{
    /// <summary>The N inference timesteps for a config.</summary>
    /// <exception cref="ConfigException">N is not in 1 … T.</exception>
    public static int[] For(SchedulerConfig config, int inferenceSteps)
    {
        int T = config.NumTrainTimesteps;
        if (inferenceSteps < 1 || inferenceSteps > T)
            throw new ConfigException($"steps = {inferenceSteps}: expected 1 ≤ steps ≤ num_train_timesteps ({T})");
        int n = inferenceSteps;
        switch (config.TimestepSpacing)
        {
            case TimestepSpacing.Leading:
            {
                int ratio = T / n;
                var ts = new int[n];
                for (int i = 0; i < n; i++)
                    ts[i] = (n - 1 - i) * ratio + config.StepsOffset;
                return ts;
            }
            case TimestepSpacing.Trailing:
            {
                // numpy.arange(T, 0, −T/N): its length is ceil(−T / −ratio) in float64, as numpy computes it.
                double ratio = (double)T / n;
                int count = (int)Math.Ceiling((0.0 - T) / -ratio);
                var ts = new int[count];
                for (int i = 0; i < count; i++)
                    ts[i] = (int)Math.Round(T + i * -ratio, MidpointRounding.ToEven) - 1;
                return ts;
            }
            case TimestepSpacing.Linspace:
            {
                var lin = NoiseSchedule.Linspace(0, T - 1, n);
                var ts = new int[n];
                for (int i = 0; i < n; i++)
                    ts[i] = (int)Math.Round(lin[n - 1 - i], MidpointRounding.ToEven);
                return ts;
            }
            default:
                throw new ConfigException($"timestep_spacing {config.TimestepSpacing} is not implemented");
        }
    }

    /// <summary>
    /// The tail of <paramref name="timesteps"/> that an img2img run of strength <paramref name="strength"/>
    /// executes: the last ⌊N·s⌋ entries (diffusers semantics). Strength 0 gives an empty list.
    /// </summary>
    /// <exception cref="ConfigException">Strength outside [0, 1].</exception>
    public static int[] ForStrength(IReadOnlyList<int> timesteps, double strength)
    {
        if (!(strength >= 0 && strength <= 1))
            throw new ConfigException($"strength = {strength}: expected a number in [0, 1]");
        int n = timesteps.Count;
        int init = Math.Min((int)Math.Floor(n * strength), n);
        int start = Math.Max(n - init, 0);
        return timesteps.Skip(start).ToArray();
    }

    /// <summary>The timestep after entry <paramref name="index"/> of the list, or −1 after the last.</summary>
    public static int Previous(IReadOnlyList<int> timesteps, int index) =>
        index + 1 < timesteps.Count ? timesteps[index + 1] : -1;
}
