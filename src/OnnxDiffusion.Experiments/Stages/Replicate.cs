using OnnxDiffusion.Kernels;

namespace OnnxDiffusion.Experiments.Stages;

/// <summary>
/// Replicate r of the experiment and the seeds it owns, all derived from (plan seed, r): its real subset, its diffusion
/// noise, the generated set's noise, and its trainers' seed. Distinct streams keep the generated set independent of a
/// strength-1 reconstruction, which would otherwise start from the very same noise.
/// </summary>
/// <param name="Index">r, from 0.</param>
/// <param name="SubsetSeed">Seed of the class-balanced real subset.</param>
/// <param name="NoiseSeed">Seed of the reconstructions' noise.</param>
/// <param name="GeneratedSeed">Seed of the generated set's noise.</param>
/// <param name="TrainerSeed">Seed every classifier of this replicate trains with.</param>
public sealed record Replicate(int Index, ulong SubsetSeed, ulong NoiseSeed, ulong GeneratedSeed, int TrainerSeed)
{
    private const uint SubsetStream = 1, NoiseStream = 2, GeneratedStream = 3;

    /// <summary>Replicate <paramref name="r"/> of a plan with seed <paramref name="planSeed"/>.</summary>
    public static Replicate Derive(ulong planSeed, int r)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(r);
        return new Replicate(r, Mix(planSeed, r, SubsetStream), Mix(planSeed, r, NoiseStream), Mix(planSeed, r, GeneratedStream), r);
    }

    /// <summary>Replicates 0 … <paramref name="count"/> − 1.</summary>
    public static IReadOnlyList<Replicate> All(ulong planSeed, int count) => Enumerable.Range(0, count).Select(r => Derive(planSeed, r)).ToList();

    // Philox as a keyed hash: counter (r, stream), key = the plan seed. Any change of either input scrambles all 64 bits.
    private static ulong Mix(ulong seed, int r, uint stream)
    {
        uint c0 = (uint)r, c1 = stream, c2 = 0x0DD1F0u, c3 = 0;
        Philox.Rounds(ref c0, ref c1, ref c2, ref c3, (uint)seed, (uint)(seed >> 32));
        return ((ulong)c0 << 32) | c1;
    }
}
