namespace OnnxDiffusion.Kernels;

/// <summary>
/// How a flat pass over <see cref="Length"/> elements is split across kernel threads: thread i owns the
/// contiguous slice [i·Chunk, min((i+1)·Chunk, Length)). On the CPU accelerator a few long slices are
/// ~1000× faster than one thread per element; on CUDA a chunk of 1 keeps memory access coalesced.
/// </summary>
public readonly struct ChunkPlan
{
    /// <summary>Creates a plan.</summary>
    public ChunkPlan(int length, int chunk, int sampleSize)
    {
        Length = length;
        Chunk = chunk;
        SampleSize = sampleSize;
    }

    /// <summary>Number of elements processed (int indexing is ~20 % faster on the CPU accelerator).</summary>
    public int Length { get; }

    /// <summary>Elements per thread.</summary>
    public int Chunk { get; }

    /// <summary>Elements per sample (C·H·W), to map an element to its sample and its index within it.</summary>
    public int SampleSize { get; }

    /// <summary>Number of threads to launch.</summary>
    public int Threads => Chunk <= 0 ? 0 : (int)(((long)Length + Chunk - 1) / Chunk);

    /// <summary>First element of a thread's slice.</summary>
    public int Start(int thread) => thread * Chunk;

    /// <summary>One past the last element of a thread's slice.</summary>
    public int End(int thread) => (int)Math.Min((long)thread * Chunk + Chunk, Length);
}
