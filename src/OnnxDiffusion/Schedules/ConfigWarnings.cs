using System.Collections.Concurrent;

namespace OnnxDiffusion.Schedules;

/// <summary>
/// "Warn once" for config warnings: a config is often read many times in one process (per shard, per run of an
/// experiment), and the same warning should reach the user once. Thread-safe.
/// </summary>
public static class ConfigWarnings
{
    private static readonly ConcurrentDictionary<string, byte> Seen = new(StringComparer.Ordinal);

    /// <summary>
    /// True the first time <paramref name="message"/> is seen in this process, false every later time (exactly one
    /// caller gets true when several threads pass the same message at once). Messages compare ordinally.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    public static bool Once(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Seen.TryAdd(message, 0);
    }
}
