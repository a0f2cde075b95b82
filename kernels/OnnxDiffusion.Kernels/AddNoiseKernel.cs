using ILGPU;

namespace OnnxDiffusion.Kernels;

/// <summary>
/// Forward diffusion q(x_t | x_0) with a timestep per sample, in place:
/// <c>x ← √ᾱ_t · x + √(1−ᾱ_t) · z</c>. Both square-root tables are computed on the host in float64
/// (1 − ᾱ in float32 would lose three digits near t = 0).
/// </summary>
public static class AddNoiseKernel
{
    /// <summary>Kernel body.</summary>
    public static void Run(Index1D thread, ArrayView<float> x, ArrayView<int> timesteps, ArrayView<float> sqrtAlphaBar,
        ArrayView<float> sqrtOneMinusAlphaBar, ArrayView<long> sampleIds, NoiseKey key, ChunkPlan plan)
    {
        int end = plan.End(thread.X);
        for (int i = plan.Start(thread.X); i < end; i++)
        {
            int b = i / plan.SampleSize;
            uint e = (uint)(i - b * plan.SampleSize);
            int t = timesteps[b];
            float z = Philox.Normal(key.Seed, (ulong)sampleIds[b], key.Stream, e);
            x[i] = sqrtAlphaBar[t] * x[i] + sqrtOneMinusAlphaBar[t] * z;
        }
    }
}
