using System.Globalization;

namespace OnnxDiffusion;

/// <summary>
/// Refuses, before any work starts, what this machine cannot hold: counts checked against its cores and memory, with a
/// line that says the limit. Without these, a typo such as <c>--threads 100000</c> is killed by the kernel minutes later
/// with no message at all.
/// </summary>
public static class ResourceLimits
{
    /// <summary>Most threads or sessions per core that are still useful (oversubscription beyond this only costs memory).</summary>
    public const int PerCore = 4;

    /// <summary>
    /// Bytes of planning a run may hold per image, for the image-count check: twice the 32 measured (peak resident memory
    /// of <c>generate</c> under a capped heap, 16.8 M images against 100, is its 16-byte item array and its exactly sized
    /// 16-byte to-do array plus a done-bit), so the rest of the heap keeps room for the model and its batches.
    /// CappedHeapPlanningTests runs the largest count this admits under a 1 GiB heap.
    /// </summary>
    public const int BytesPerPlannedImage = 64;

    /// <summary>Memory the runtime may use on this machine (container limits included).</summary>
    public static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Throws when <paramref name="count"/> threads (or sessions) is more than <see cref="PerCore"/> per core.</summary>
    /// <exception cref="ConfigException">Too many, naming <paramref name="option"/> and the limit.</exception>
    public static void CheckPerCore(string option, int count)
    {
        int limit = PerCore * Environment.ProcessorCount;
        if (count > limit)
            throw new ConfigException($"{option} {count}: expected 0 (auto) … {limit} ({PerCore} per core on the {Environment.ProcessorCount} cores here)");
    }

    /// <summary>Throws when a run of <paramref name="images"/> images could not even hold its own bookkeeping.</summary>
    /// <exception cref="ConfigException">Too many, naming <paramref name="option"/> and the limit.</exception>
    public static void CheckImageCount(string option, long value, long images)
    {
        long limit = Math.Min(int.MaxValue, AvailableBytes / BytesPerPlannedImage);
        if (images > limit)
            throw new ConfigException($"{option} {value}: {images.ToString("N0", CultureInfo.InvariantCulture)} images, more than the " +
                                      $"{limit.ToString("N0", CultureInfo.InvariantCulture)} a run can plan in the {Gib(AvailableBytes)} GiB of memory here");
    }

    /// <summary>Throws when <paramref name="bytes"/> of buffers would not fit in memory.</summary>
    /// <exception cref="ConfigException">Too large, naming <paramref name="option"/>.</exception>
    public static void CheckBuffers(string option, long value, double bytes)
    {
        if (bytes > AvailableBytes / 2.0)
            throw new ConfigException($"{option} {value}: its buffers need {Gib(bytes)} GiB, more than half of the {Gib(AvailableBytes)} GiB of memory here");
    }

    private static string Gib(double bytes) => (bytes / (1L << 30)).ToString("F1", CultureInfo.InvariantCulture);
}
