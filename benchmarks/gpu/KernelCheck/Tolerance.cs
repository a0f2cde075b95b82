namespace KernelCheck;

/// <summary>
/// How far a GPU may differ from the CPU. The GPU build of a kernel contracts a·b + c into fused multiply-adds (one rounding
/// instead of two) and uses the approximate lg2 / cos instructions for Box–Muller, so results agree within a tolerance, not
/// bit for bit:
/// <list type="bullet">
/// <item>every value: |gpu − cpu| ≤ 1e-5 · (1 + |cpu|), a few float32 ulps over the handful of operations per element;</item>
/// <item>plus, where Box–Muller noise of weight σ enters: 1e-3 · σ. Near u1 = 1 the radius √(−2 ln u1) is the square root of
/// a number the approximate log gets wrong by ~1e-7 absolute, so a z of size ~3e-4 may come out anywhere in [0, ~5e-4];
/// away from u1 = 1 the error is ~1e-6.</item>
/// </list>
/// </summary>
internal static class Tolerance
{
    public const double Relative = 1e-5;

    public const double Noise = 1e-3;

    /// <summary>Largest error and the worst ratio to what is allowed; a NaN or infinity on either side is a failure.</summary>
    public static (double MaxError, double WorstRatio, int NonFinite) Compare(float[] reference, float[] actual, double noiseScale)
    {
        if (reference.Length != actual.Length)
            return (double.PositiveInfinity, double.PositiveInfinity, 0);
        double maxError = 0, worst = 0;
        int nonFinite = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            if (!float.IsFinite(reference[i]) || !float.IsFinite(actual[i]))
            {
                nonFinite++;
                continue;
            }
            double error = Math.Abs((double)actual[i] - reference[i]);
            double allowed = Relative * (1 + Math.Abs(reference[i])) + Noise * noiseScale;
            maxError = Math.Max(maxError, error);
            worst = Math.Max(worst, error / allowed);
        }
        return (maxError, worst, nonFinite);
    }
}
