using System.Collections;
using System.Runtime.CompilerServices;

namespace OnnxDiffusion.Sampling;

/// <summary>
/// The inference steps a sampler runs, high noise to low: the timesteps the model is told and, for samplers that work
/// in σ (DPM-Solver), the noise level of each plus one final σ after the last step. A reconstruction runs a tail of it
/// (<see cref="Tail"/>); <see cref="FullCount"/> keeps the length of the whole list, which some last-step rules ask for.
/// </summary>
[CollectionBuilder(typeof(SamplingSchedule), nameof(Of))]
public sealed class SamplingSchedule : IReadOnlyList<int>
{
    /// <summary>A schedule of timesteps alone (DDPM, DDIM: their updates need only ᾱ at each timestep).</summary>
    public SamplingSchedule(IReadOnlyList<int> timesteps) : this(timesteps, null, timesteps.Count)
    {
    }

    /// <summary>A schedule with σ per step plus a final σ (<paramref name="sigmas"/> has one more entry than the timesteps).</summary>
    public SamplingSchedule(IReadOnlyList<int> timesteps, IReadOnlyList<double>? sigmas, int fullCount)
    {
        if (sigmas is not null && sigmas.Count != timesteps.Count + 1)
            throw new ArgumentException($"{sigmas.Count} sigmas for {timesteps.Count} timesteps: expected one more (the final σ)", nameof(sigmas));
        if (fullCount < timesteps.Count)
            throw new ArgumentOutOfRangeException(nameof(fullCount), fullCount, "the full list cannot be shorter than this one");
        Timesteps = timesteps.ToArray();
        Sigmas = sigmas?.ToArray();
        FullCount = fullCount;
    }

    /// <summary>The timesteps, in the order they run.</summary>
    public int[] Timesteps { get; }

    /// <summary>σ of each step and a final σ, or null for samplers that do not use them.</summary>
    public double[]? Sigmas { get; }

    /// <summary>Steps in the whole list this one was cut from (its own length unless it is a tail).</summary>
    public int FullCount { get; }

    /// <summary>Steps in this schedule.</summary>
    public int Count => Timesteps.Length;

    /// <summary>Timestep of step <paramref name="index"/>.</summary>
    public int this[int index] => Timesteps[index];

    /// <summary>A schedule of the given timesteps alone (collection expressions build one: <c>[980, 960, …]</c>).</summary>
    public static SamplingSchedule Of(ReadOnlySpan<int> timesteps) => new(timesteps.ToArray());

    /// <summary>A list of timesteps as a schedule without σ (what DDPM and DDIM run).</summary>
    public static implicit operator SamplingSchedule(int[] timesteps) => new(timesteps);

    /// <inheritdoc />
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)Timesteps).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The timestep after step <paramref name="index"/>, or −1 after the last (never t − T/N).</summary>
    public int Next(int index) => Schedules.Timesteps.Previous(Timesteps, index);

    /// <summary>
    /// The steps an img2img run of strength <paramref name="strength"/> executes: the last ⌊N·s⌋ (diffusers semantics),
    /// with their σ and the final σ. Strength 0 gives an empty schedule.
    /// </summary>
    /// <exception cref="ConfigException">Strength outside [0, 1].</exception>
    public SamplingSchedule Tail(double strength)
    {
        var run = Schedules.Timesteps.ForStrength(Timesteps, strength);
        int start = Count - run.Length;
        return new SamplingSchedule(run, Sigmas?.Skip(start).ToArray(), FullCount);
    }
}
