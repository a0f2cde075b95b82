using ILGPU;

namespace OnnxDiffusion.Kernels;

/// <summary>
/// Classifier-free guidance combine. The model ran on a doubled batch laid out as
/// [conditional half | unconditional half]; the first half is overwritten with
/// <c>u + w · (c − u)</c> (diffusers' convention: w = 1 is the conditional prediction).
/// </summary>
public static class GuidanceKernel
{
    /// <summary>Kernel body; <paramref name="plan"/>.Length is the size of one half.</summary>
    public static void Run(Index1D thread, ArrayView<float> output, float scale, ChunkPlan plan)
    {
        int end = plan.End(thread.X);
        for (int i = plan.Start(thread.X); i < end; i++)
        {
            float u = output[plan.Length + i];
            output[i] = u + scale * (output[i] - u);
        }
    }
}
