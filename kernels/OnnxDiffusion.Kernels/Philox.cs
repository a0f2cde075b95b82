namespace OnnxDiffusion.Kernels;

/// <summary>
/// Philox-4x32-10 (Salmon et al., SC'11), a counter-based generator: the output is a pure function of
/// (key, counter), so noise can be keyed by (seed, sample id, stream, element) and never depends on
/// batch size, shard or thread layout. Written with plain integer arithmetic so ILGPU compiles it for
/// every back end.
/// </summary>
public static class Philox
{
    private const uint M0 = 0xD2511F53u;
    private const uint M1 = 0xCD9E8D57u;
    private const uint W0 = 0x9E3779B9u;
    private const uint W1 = 0xBB67AE85u;

    /// <summary>Runs the ten Philox rounds on the counter (c0..c3) with key (k0, k1); results replace the counter.</summary>
    public static void Rounds(ref uint c0, ref uint c1, ref uint c2, ref uint c3, uint k0, uint k1)
    {
        for (int r = 0; r < 10; r++)
        {
            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0;
            uint hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
            uint n0 = hi1 ^ c1 ^ k0;
            uint n2 = hi0 ^ c3 ^ k1;
            c0 = n0;
            c1 = lo1;
            c2 = n2;
            c3 = lo0;
            k0 += W0;
            k1 += W1;
        }
    }

    /// <summary>
    /// One standard-normal float for (seed, sample id, stream, element), by Box–Muller on the first two
    /// 32-bit outputs of the generator.
    /// </summary>
    public static float Normal(ulong seed, ulong sampleId, uint stream, uint element)
    {
        uint c0 = element, c1 = stream, c2 = (uint)sampleId, c3 = (uint)(sampleId >> 32);
        Rounds(ref c0, ref c1, ref c2, ref c3, (uint)seed, (uint)(seed >> 32));
        return BoxMuller(c0, c1);
    }

    /// <summary>
    /// Box–Muller on two 32-bit words. Uniforms use their top 24 bits so they are exact in float32: u1 = (k + 1)/2²⁴
    /// lies in [2⁻²⁴, 1], so the log's argument is never 0 (no infinity) and never above 1.
    /// </summary>
    public static float BoxMuller(uint bits1, uint bits2)
    {
        float u1 = ((bits1 >> 8) + 1u) * (1.0f / 16777216.0f);
        float u2 = (bits2 >> 8) * (1.0f / 16777216.0f);
        return Radius(MathF.Log(u1)) * MathF.Cos(6.28318530717958647692f * u2);
    }

    /// <summary>
    /// √(−2 ln u1) from ln u1. A GPU compiles the log to an approximate instruction, which for u1 just below 1 can return a
    /// tiny positive value where the exact log is a tiny negative one; the radicand is therefore clamped at 0 (a NaN
    /// would also become 0). The exact CPU log of u1 ≤ 1 is never positive, so the clamp changes no CPU value, −0 included.
    /// </summary>
    public static float Radius(float logU1)
    {
        float r2 = -2.0f * logU1;
        return MathF.Sqrt(r2 >= 0f ? r2 : 0f);
    }
}
