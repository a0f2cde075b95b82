using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using OnnxDiffusion.Data;

namespace OnnxDiffusion.Experiments.Stages;

/// <summary>A cached stage output and the compute it cost when it was first made.</summary>
/// <param name="Value">The output.</param>
/// <param name="Seconds">Compute seconds when it was made (not this run's, when it came from the cache).</param>
/// <param name="FromCache">Whether this run found it in the cache.</param>
public sealed record Cached<T>(T Value, double Seconds, bool FromCache);

/// <summary>
/// Content-addressed cache of stage outputs under <c>&lt;out&gt;/cache</c>: a result is stored under the hash of
/// everything that determines it, with the seconds it took, so a rerun after a crash or a change redoes only what
/// changed and can still report what each stage originally cost.
/// </summary>
public sealed class StageCache(string root)
{
    private sealed record Entry<T>([property: JsonPropertyName("seconds")] double Seconds, [property: JsonPropertyName("value")] T Value);

    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The cache folder.</summary>
    public string Root { get; } = root;

    /// <summary>A short stable hash of any JSON-serialisable key.</summary>
    public static string Hash(object key) =>
        Sha256.Hex(JsonSerializer.Serialize(key))[..16];

    /// <summary>Returns the cached value for (stage, key), or computes, stores (atomically) and returns it.</summary>
    public Cached<T> GetOrCompute<T>(string stage, object key, Func<T> compute)
    {
        string path = PathOf(stage, key);
        if (TryRead<T>(path) is { } hit)
            return new Cached<T>(hit.Value, hit.Seconds, true);
        var sw = Stopwatch.StartNew();
        var value = compute();
        double seconds = sw.Elapsed.TotalSeconds;
        OutputFolder.Create(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new Entry<T>(seconds, value), Json));
        return new Cached<T>(value, seconds, false);
    }

    /// <summary>Forgets (stage, key), e.g. when the output it vouches for was deleted.</summary>
    public void Remove(string stage, object key)
    {
        string path = PathOf(stage, key);
        if (File.Exists(path))
            File.Delete(path);
    }

    private string PathOf(string stage, object key) => Path.Combine(Root, stage, Hash(key) + ".json");

    private static Entry<T>? TryRead<T>(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize<Entry<T>>(File.ReadAllText(path), Json) is { Value: not null } e ? e : null;
        }
        catch (JsonException)
        {
            return null; // a damaged or older-format entry is recomputed
        }
    }
}
