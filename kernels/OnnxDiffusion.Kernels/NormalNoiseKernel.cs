using ILGPU;

namespace OnnxDiffusion.Kernels;

/// <summary>Fills a batch with standard-normal noise keyed by (seed, sample id, stream, element).</summary>
public static class NormalNoiseKernel
{
    /// <summary>Kernel body.</summary>
    public static void Run(Index1D thread, ArrayView<float> x, ArrayView<long> sampleIds, NoiseKey key, ChunkPlan plan)
    {
        long start = (long)thread.X * plan.Chunk;
        long end = start + plan.Chunk < plan.Length ? start + plan.Chunk : plan.Length;
        for (long i = start; i < end; i++)
        {
            long b = i / plan.SampleSize;
            uint e = (uint)(i - b * plan.SampleSize);
            x[i] = Philox.Normal(key.Seed, (ulong)sampleIds[b], key.Stream, e);
        }
    }
}
