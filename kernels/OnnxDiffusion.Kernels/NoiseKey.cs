namespace OnnxDiffusion.Kernels;

/// <summary>
/// Identifies one stream of Gaussian noise: a run's seed plus a stream number (the sampler step index,
/// or <see cref="InitialStream"/> for the noise that starts a run). Together with the global sample id and
/// the element index it fully determines every noise value.
/// </summary>
public readonly struct NoiseKey
{
    /// <summary>Stream used for the starting noise (pure noise for generation, forward noise for reconstruction).</summary>
    public const uint InitialStream = 0xFFFF_FFFFu;

    /// <summary>Creates a key.</summary>
    public NoiseKey(ulong seed, uint stream)
    {
        Seed = seed;
        Stream = stream;
    }

    /// <summary>The run's seed.</summary>
    public ulong Seed { get; }

    /// <summary>The stream within the run.</summary>
    public uint Stream { get; }
}
