using ILGPU;

namespace OnnxDiffusion.Kernels;

/// <summary>Fills a batch with standard-normal noise keyed by (seed, sample id, stream, element).</summary>
public static class NormalNoiseKernel
{
    /// <summary>Kernel body.</summary>
    public static void Run(Index1D thread, ArrayView<float> x, ArrayView<long> sampleIds, NoiseKey key, ChunkPlan plan)
    {
        int end = plan.End(thread.X);
        for (int i = plan.Start(thread.X); i < end; i++)
        {
            int b = i / plan.SampleSize;
            uint e = (uint)(i - b * plan.SampleSize);
            x[i] = Philox.Normal(key.Seed, (ulong)sampleIds[b], key.Stream, e);
        }
    }
}
