namespace OnnxDiffusion.Sampling;

/// <summary>How a run's starting point is made.</summary>
public enum StartFrom
{
    /// <summary>Pure Gaussian noise (generation; strength 1).</summary>
    Noise,

    /// <summary>The given images, forward-noised to the first timestep (reconstruction / img2img).</summary>
    Image,

    /// <summary>The given values are already x_t at the first timestep (e.g. caller-made latents).</summary>
    Given,
}

/// <summary>
/// One batch's work for <see cref="DiffusionLoop"/>: the sampler's steps to run (high to low), the global sample
/// ids that key its noise, the condition, the seed and η.
/// </summary>
/// <param name="Timesteps">The steps to run (the sampler's schedule, or a tail of it); empty means "return the input unchanged".</param>
/// <param name="SampleIds">Global id of each sample in the batch (the batch size is its length).</param>
/// <param name="Condition">The batch's condition (<see cref="Conditioning.None"/> for unconditional models).</param>
/// <param name="Seed">Run seed; with the sample id it determines every noise value.</param>
/// <param name="Eta">DDIM η (ignored by DDPM).</param>
/// <param name="Start">Noise or image start.</param>
public sealed record DiffusionJob(
    SamplingSchedule Timesteps,
    ReadOnlyMemory<long> SampleIds,
    Conditioning Condition,
    ulong Seed,
    double Eta,
    StartFrom Start);

/// <summary>Progress of one batch: <see cref="Step"/> of <see cref="Total"/> model calls done.</summary>
public readonly record struct DiffusionProgress(int Step, int Total);
